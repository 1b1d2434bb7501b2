import type { Millis } from './entities.js';
import type { JsonObject } from './json.js';

/** What an input carries. Data is immutable after PostInputs (as in Clarifai); labels and metadata change. */
export type InputKind = 'text' | 'image';

/** One concept label on an input: value 1 = positive, 0 = explicit negative. */
export interface InputLabel {
  id: string;
  value: number;
}

/** A label as read back, with the concept's current name. */
export interface NamedLabel extends InputLabel {
  name: string;
}

/** `data.geo.geo_point`: degrees, longitude in [-180, 180], latitude in [-90, 90]. */
export interface GeoPoint {
  longitude: number;
  latitude: number;
}

export interface InputStatus {
  code: number;
  details: string;
}

export interface Input {
  /** Internal key; input ids are unique per app. */
  pk: string;
  userId: string;
  appId: string;
  id: string;
  kind: InputKind;
  /** `data.text.raw` of a text input. */
  text: string | null;
  /** `data.image.url` as sent (fetched by the processor); null for base64 images and text. */
  imageUrl: string | null;
  /** `data.text.url` as sent (fetched by the processor, then `text` holds what it served); null otherwise. */
  textUrl: string | null;
  /** Width / height / format, known once processing decoded the image. */
  imageInfo: JsonObject | null;
  metadata: JsonObject;
  geo: GeoPoint | null;
  /** Id of the input's input-level annotation (the labels sent with PostInputs / PatchInputs). */
  annotationId: string;
  /** Every label of the input, whichever annotation holds it. */
  concepts: NamedLabel[];
  /** Datasets the input belongs to (read side only; membership is written through DatasetRepo). */
  datasetIds: string[];
  status: InputStatus;
  createdAt: Millis;
  modifiedAt: Millis;
}

/** A validated PostInputs entry, ready to store. */
export interface NewInput {
  pk: string;
  userId: string;
  appId: string;
  id: string;
  kind: InputKind;
  text: string | null;
  imageUrl: string | null;
  /** `data.text.url`: the text is fetched by the processor. */
  textUrl?: string | null;
  /** Decoded `data.image.base64`; stored in the blob table. */
  imageBytes: Uint8Array | null;
  metadata: JsonObject;
  geo?: GeoPoint | null;
  /** Id of its input-level annotation, which holds `concepts` (the store makes one when absent). */
  annotationId?: string;
  concepts: InputLabel[];
  datasetIds: string[];
  createdAt: Millis;
}

/**
 * A group of an input's labels, as Clarifai's annotation RPCs see them. Every input has one
 * input-level annotation (the labels of PostInputs / PatchInputs); PostAnnotations adds others. A
 * concept labels an input at most once, in one of its annotations: the input's concepts are the
 * union, and that is what training reads.
 */
export interface Annotation {
  /** Internal key; for the input-level annotation, the input's pk. */
  pk: string;
  inputPk: string;
  inputId: string;
  userId: string;
  appId: string;
  id: string;
  inputLevel: boolean;
  concepts: NamedLabel[];
  createdAt: Millis;
  modifiedAt: Millis;
}

/** App-level concept (Clarifai creates one with name = id when an input or version references it). */
export interface Concept {
  userId: string;
  appId: string;
  id: string;
  name: string;
  /** `language` as Clarifai's concept resources carry it; DEFAULT_CONCEPT_LANGUAGE unless PostConcepts gave one. */
  language?: string;
  createdAt: Millis;
  modifiedAt: Millis;
}

/** Clarifai's docs show "en" on concepts created without a language. */
export const DEFAULT_CONCEPT_LANGUAGE = 'en';

export interface Dataset {
  pk: string;
  userId: string;
  appId: string;
  id: string;
  description: string;
  notes: string;
  metadata: JsonObject;
  createdAt: Millis;
  modifiedAt: Millis;
}

/** Counts kept with a dataset version (DatasetVersion.metrics["/"]). */
export interface DatasetVersionCounts {
  inputs: number;
  unlabeled: number;
  positiveTags: number;
}

/** A frozen snapshot of a dataset's inputs and their labels at creation time. */
export interface DatasetVersion {
  pk: string;
  datasetPk: string;
  datasetId: string;
  userId: string;
  appId: string;
  id: string;
  description: string;
  metadata: JsonObject;
  statusCode: number;
  counts: DatasetVersionCounts;
  createdAt: Millis;
  modifiedAt: Millis;
}

/** One input of a dataset version, with the labels it had when the version was made. */
export interface SnapshotInput {
  inputPk: string;
  labels: InputLabel[];
}
