/**
 * Which model versions PutModelVersionExports can export (decision 0041): one rule, table-tested.
 * An export is what modelkeep trained, as ONNX: the linear head of the classifier types. Anything
 * else gets a status saying why and what would work.
 */
import { Code, type StatusCode } from './status-codes.js';

/** Types whose trained versions are a linear head over an embedder (plugins/classifier). */
export const EXPORTABLE_TYPES: readonly string[] = ['embedding-classifier', 'text-classifier', 'visual-classifier'];

export interface ExportRefusal {
  code: StatusCode;
  details: string;
}

export function exportProblem(typeId: string, v: { id: string; runtime: string; status: { code: number } }): ExportRefusal | undefined {
  if (v.runtime === 'onnx') {
    return {
      code: Code.MODEL_INVALID_ARGUMENT,
      details: `Model version '${v.id}' was uploaded as an ONNX package, so modelkeep trained nothing to export: the package you uploaded is the model. Export a version modelkeep trained (a ${EXPORTABLE_TYPES.join(', ')} version).`,
    };
  }
  if (!EXPORTABLE_TYPES.includes(typeId)) {
    return {
      code: Code.MODEL_INVALID_ARGUMENT,
      details: `A ${typeId} version cannot be exported: exports are the trained classifiers of ${EXPORTABLE_TYPES.join(', ')} models, as ONNX.`,
    };
  }
  if (v.status.code !== Code.MODEL_TRAINED) {
    return {
      code: Code.MODEL_UNTRAINED,
      details: `Model version '${v.id}' is not trained (status ${v.status.code}), so there is nothing to export yet; export it once its status is ${Code.MODEL_TRAINED}, or export a trained version.`,
    };
  }
  return undefined;
}
