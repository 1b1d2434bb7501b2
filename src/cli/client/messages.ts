/**
 * The parts of Clarifai's v2 JSON messages the CLI reads (snake_case, as on the wire). Only what the
 * commands print or branch on; `--json` prints the server's answer whole, whatever it holds.
 */
export interface Status {
  code: number;
  description?: string;
  details?: string;
  req_id?: string;
  percent_completed?: number;
}

export interface Concept {
  id: string;
  name?: string;
  value?: number;
  app_id?: string;
  created_at?: string;
}

export interface App {
  id: string;
  name?: string;
  user_id?: string;
  description?: string;
  created_at?: string;
}

export interface Key {
  id: string;
  description?: string;
  scopes?: string[];
  apps?: { id: string; user_id?: string }[];
  created_at?: string;
  expires_at?: string;
  type?: string;
}

export interface Model {
  id: string;
  name?: string;
  model_type_id?: string;
  description?: string;
  notes?: string;
  app_id?: string;
  user_id?: string;
  created_at?: string;
  modified_at?: string;
  model_version?: ModelVersion;
}

export interface ModelVersion {
  id: string;
  status: Status;
  created_at?: string;
  modified_at?: string;
  completed_at?: string;
  total_input_count?: number;
  active_concept_count?: number;
  description?: string;
  output_info?: { data?: { concepts?: Concept[] }; output_config?: Record<string, unknown>; params?: Record<string, unknown> };
  train_info?: { params?: Record<string, unknown> };
  metrics?: Metrics;
}

export interface ModelTypeField {
  path: string;
  field_type?: number | string;
  description?: string;
  default_value?: unknown;
  required?: boolean;
  placeholder?: string;
  model_type_enum_options?: { id: string; description?: string; recommended?: boolean; model_type_fields?: ModelTypeField[] }[];
}

export interface ModelType {
  id: string;
  title?: string;
  description?: string;
  input_fields?: string[];
  output_fields?: string[];
  trainable?: boolean;
  creatable?: boolean;
  model_type_fields?: ModelTypeField[];
}

export interface Input {
  id: string;
  data?: { text?: { raw?: string; url?: string }; image?: { url?: string; base64?: string }; concepts?: Concept[]; metadata?: Record<string, unknown> };
  status?: Status;
  created_at?: string;
}

export interface InputCounts {
  processed?: number;
  to_process?: number;
  errors?: number;
  processing?: number;
  [k: string]: number | undefined;
}

export interface Dataset {
  id: string;
  description?: string;
  app_id?: string;
  created_at?: string;
  version?: { id: string };
}

export interface DatasetVersion {
  id: string;
  dataset_id?: string;
  description?: string;
  status?: Status;
  metrics?: Record<string, unknown>;
  created_at?: string;
}

export interface Output {
  id?: string;
  status: Status;
  input?: Input;
  data?: { concepts?: Concept[]; embeddings?: { vector?: number[]; num_dimensions?: number }[]; clusters?: { id: string; score?: number }[] };
}

export interface BinaryMetric {
  concept?: Concept;
  num_pos?: number;
  num_neg?: number;
  num_tot?: number;
  roc_auc?: number;
  f1?: number;
  precision?: number;
  recall?: number;
}

export interface Metrics {
  id?: string;
  status: Status;
  summary?: Record<string, number | undefined>;
  binary_metrics?: BinaryMetric[];
  confusion_matrix?: { matrix?: { predicted_concept?: Concept; actual_concept?: Concept; value?: number }[]; concept_ids?: string[] };
}

export interface LogEntry {
  message: string;
}
