import { isJsonObject } from '../../domain/json.js';
import { findEnumOption } from '../../domain/model-types/field-values.js';
import type { ModelTypeDef, ValueComparator } from '../../domain/model-types/types.js';
import type { ScoredConcept } from '../../domain/output-config.js';
import type { ModelPlugin } from '../../ports/plugins.js';

const COMPARE: Record<ValueComparator, (value: number, threshold: number) => boolean> = {
  GREATER_THAN: (v, t) => v > t,
  GREATER_THAN_OR_EQUAL: (v, t) => v >= t,
  LESS_THAN: (v, t) => v < t,
  LESS_THAN_OR_EQUAL: (v, t) => v <= t,
  EQUAL: (v, t) => v === t,
};

/**
 * Keeps the incoming concepts that pass their threshold. A concept is matched to the version's
 * concepts by id (then by name); concepts the version does not list pass through unchanged — the
 * operator filters what it was configured for and leaves the rest to later workflow nodes.
 * Values are compared at float32 precision, so REST and gRPC callers see the same result.
 */
export function thresholdConcepts(incoming: readonly ScoredConcept[], thresholds: readonly ScoredConcept[], comparator: ValueComparator): ScoredConcept[] {
  const cmp = COMPARE[comparator];
  return incoming.filter((c) => {
    const t = thresholds.find((x) => x.id === c.id) ?? thresholds.find((x) => x.name === c.name);
    return !t || cmp(Math.fround(c.value), Math.fround(t.value));
  });
}

/** `output_info.params.concept_threshold_type` as an option id (accepts the ValueComparator numbers too). */
export function comparatorOf(type: ModelTypeDef, params: Record<string, unknown>): ValueComparator {
  const spec = type.fields.find((f) => f.path === 'output_info.params.concept_threshold_type');
  const v = params.concept_threshold_type;
  const opt = spec && (typeof v === 'string' || typeof v === 'number') ? findEnumOption(spec, v) : undefined;
  return (opt?.id as ValueComparator | undefined) ?? 'GREATER_THAN';
}

export function conceptThresholderPlugin(type: ModelTypeDef): ModelPlugin {
  return {
    typeId: 'concept-thresholder',
    inputKind: () => 'concepts',
    embedderId: () => undefined,
    async predict(call) {
      const comparator = comparatorOf(type, isJsonObject(call.params) ? call.params : {});
      const thresholds = call.version.concepts;
      return call.inputs.map((i) => ({ ok: true, data: { concepts: thresholdConcepts(i.concepts ?? [], thresholds, comparator) } }));
    },
  };
}
