import { type EnumOption, EVALUATION_TYPE_NUMBERS, FIELD_TYPE_NUMBERS, type FieldSpec, type ModelTypeDef } from '../../domain/model-types/types.js';
import type { ApiObject } from '../core/context.js';

function enumOptionToApi(o: EnumOption): ApiObject {
  const out: ApiObject = { id: o.id, description: o.description, model_type_fields: (o.fields ?? []).map(fieldToApi) };
  if (o.recommended) out.recommended = true;
  if (o.internalOnly) out.internal_only = true;
  if (o.aliases?.length) out.aliases = o.aliases.map((n) => ({ id_int: String(n) }));
  return out;
}

export function fieldToApi(f: FieldSpec): ApiObject {
  const out: ApiObject = {
    path: f.path,
    field_type: FIELD_TYPE_NUMBERS[f.fieldType],
    description: f.description,
    model_type_enum_options: (f.enumOptions ?? []).map(enumOptionToApi),
  };
  if (f.defaultValue !== undefined) out.default_value = f.defaultValue;
  if (f.placeholder) out.placeholder = f.placeholder;
  if (f.required) out.required = true;
  if (f.internalOnly) out.internal_only = true;
  if (f.range) out.model_type_range_info = { min: f.range.min, max: f.range.max, step: f.range.step };
  return out;
}

/** Catalog entry -> API `ModelType`; ListModelTypes / GetModelType serve these. */
export function modelTypeToApi(t: ModelTypeDef): ApiObject {
  const out: ApiObject = {
    id: t.id,
    title: t.title,
    description: t.description,
    input_fields: t.inputFields,
    output_fields: t.outputFields,
    model_type_fields: t.fields.map(fieldToApi),
    expected_input_layers: [],
    expected_output_layers: [],
  };
  if (t.trainable) out.trainable = true;
  if (t.creatable) out.creatable = true;
  const evalType = EVALUATION_TYPE_NUMBERS[t.evaluationType];
  if (evalType) out.evaluation_type = evalType;
  return out;
}
