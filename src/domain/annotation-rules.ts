// Validation of annotation requests (PostAnnotations, PatchAnnotations): pure, so every rule is
// unit-tested. An annotation carries concept labels only (modelkeep trains concept classifiers from
// whole inputs); everything else Clarifai's Annotation can hold is refused by name, never dropped.
import { ApiError } from './errors.js';
import { isValidId } from './ids.js';
import { labelPatch, parseLabels } from './input-rules.js';
import type { InputLabel } from './inputs.js';
import { isJsonObject, type JsonObject } from './json.js';
import { applyPatch, type PatchAction } from './patch.js';
import { Code } from './status-codes.js';

export const badAnnotation = (details: string): ApiError => new ApiError(Code.ANNOTATION_INVALID_ARGUMENT, details);

type Raw = Record<string, unknown>;

/** Annotation fields that only mean something for Clarifai's labelling tasks, regions or model writers. */
const REFUSED = ['annotation_info', 'consensus_info', 'task_id', 'worker', 'model_version_id', 'trusted'] as const;

/**
 * `status` may name the one status an annotation has here, ANNOTATION_SUCCESS (24150): Clarifai's docs
 * patch an annotation with {"status": {"code": "ANNOTATION_SUCCESS"}} (docs api-guide/annotate,
 * "Update Annotation Status"), a no-op here. Any other status (pending, awaiting review…) belongs to
 * labelling tasks, which are not served, and is refused by name.
 */
function checkStatus(raw: unknown, path: string): void {
  if (!present(raw)) return;
  const st = isJsonObject(raw) ? (raw as Raw) : {};
  const code = st.code;
  const other = Object.keys(st).filter((k) => k !== 'code' && present(st[k]));
  if ((code === Code.ANNOTATION_SUCCESS || code === 'ANNOTATION_SUCCESS') && other.length === 0) return;
  throw badAnnotation(
    `${path}.status${other.length > 0 ? `.${other[0]}` : `.code ${JSON.stringify(code ?? null)}`} is not supported by modelkeep: every annotation here is complete, status ANNOTATION_SUCCESS (24150); leave status out or send {"code": "ANNOTATION_SUCCESS"}.`,
  );
}

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '' && v !== false && !(isJsonObject(v) && Object.keys(v).length === 0);

/** Labels parsed with the input rules, refused with the annotation code. */
function labelsOf(raw: unknown, path: string): InputLabel[] {
  try {
    return parseLabels(raw, path);
  } catch (e) {
    throw e instanceof ApiError ? badAnnotation(e.details) : e;
  }
}

/** The parts of an Annotation every request checks the same way: input_id, fields refused, data.concepts only. */
function check(raw: Raw, path: string, ownerId: string): { inputId: string; data: Raw } {
  const inputId = String(raw.input_id ?? '');
  if (!inputId) throw badAnnotation(`${path}.input_id is required: an annotation labels one input.`);
  for (const f of REFUSED) {
    if (present(raw[f])) throw badAnnotation(`${path}.${f} is not supported by modelkeep: annotations carry concept labels (data.concepts) of a whole input.`);
  }
  checkStatus(raw.status, path);
  if (raw.input_level === true)
    throw badAnnotation(
      `${path}.input_level cannot be set: every input has exactly one input-level annotation, made with the input (ListAnnotations shows its id).`,
    );
  if (present(raw.user_id) && raw.user_id !== ownerId)
    throw badAnnotation(
      `${path}.user_id '${String(raw.user_id).slice(0, 140)}' is not the app owner '${ownerId}': annotations are written by the app's owner.`,
    );
  const data = isJsonObject(raw.data) ? (raw.data as Raw) : {};
  for (const [k, v] of Object.entries(data)) {
    if (k === 'concepts' || !present(v)) continue;
    if (k === 'metadata' || k === 'geo')
      throw badAnnotation(`${path}.data.${k} is not kept on annotations: it belongs to the input; change it with PatchInputs.`);
    throw badAnnotation(
      `${path}.data.${k} is not supported by modelkeep: annotations label a whole input with data.concepts (regions, frames and masks are not served).`,
    );
  }
  return { inputId, data };
}

export interface NewAnnotationRequest {
  inputId: string;
  /** '' when the request leaves it to the server. */
  id: string;
  labels: InputLabel[];
}

/** One PostAnnotations entry. `embed_model_version_id` is accepted: every annotation is available for training here. */
export function parseNewAnnotation(raw: Raw, i: number, ownerId: string): NewAnnotationRequest {
  const path = `annotations[${i}]`;
  const { inputId, data } = check(raw, path, ownerId);
  const id = String(raw.id ?? '');
  if (id && !isValidId(id))
    throw badAnnotation(`${path}.id '${id.slice(0, 140)}' is invalid: 1-128 letters, digits, '_' or '-', starting with a letter or digit.`);
  const labels = labelsOf(data.concepts, `${path}.data.concepts`);
  if (labels.length === 0)
    throw badAnnotation(`${path}.data.concepts is empty: an annotation labels its input with at least one concept ({"id": "cat", "value": 1}).`);
  return { inputId, id, labels };
}

export interface AnnotationPatch {
  inputId: string;
  id: string;
  /** The patch of the view {concepts}. */
  patch: JsonObject;
}

/** One PatchAnnotations entry (id and input_id name it). */
export function parseAnnotationPatch(raw: Raw, i: number, ownerId: string): AnnotationPatch {
  const path = `annotations[${i}]`;
  const { inputId, data } = check(raw, path, ownerId);
  const id = String(raw.id ?? '');
  if (!id) throw badAnnotation(`${path}.id is required: PatchAnnotations names the annotation to change (ListAnnotations shows the ids).`);
  const patch: JsonObject = {};
  if (data.concepts !== undefined && data.concepts !== null) {
    if (!Array.isArray(data.concepts)) throw badAnnotation(`${path}.data.concepts must be a list of concepts.`);
    patch.concepts = labelPatch(data.concepts);
  }
  return { inputId, id, patch };
}

/** merge / overwrite / remove over {concepts}, as PatchInputs does for the input's labels; the result is checked like new labels. */
export function applyAnnotationPatch(current: InputLabel[], p: AnnotationPatch, action: PatchAction, path: string): InputLabel[] {
  const next = applyPatch({ concepts: current.map((c) => ({ id: c.id, value: c.value })) }, p.patch, action);
  return labelsOf(next.concepts ?? [], `${path}.data.concepts`);
}

/**
 * A concept labels an input once, in one annotation: the first of `labels` whose concept another
 * annotation of the input already holds, as a refusal naming where it is.
 */
export function checkNotHeld(labels: InputLabel[], heldBy: ReadonlyMap<string, string>, inputId: string, path: string): void {
  for (const l of labels) {
    const other = heldBy.get(l.id);
    if (other !== undefined) {
      throw badAnnotation(
        `${path}: concept '${l.id}' already labels input '${inputId}' in annotation '${other}'; an input carries each concept once. Change that annotation with PatchAnnotations instead.`,
      );
    }
  }
}
