import assert from 'node:assert/strict';
import type { ApiObject } from '../helpers/clients.js';
import { type ParityApi, paritySuite } from './harness.js';

// Evidence:
// - Clarifai/docs code_snippets/api-guide/model/create_get_update_delete/curl/list_model_types.sh
//   (GET …/models/types?per_page=20&page=1) and py/list_model_types.py; docs/api-guide/model "Manage
//   Models" > List Model Types: "list all the possible models that are creatable (when creatable=true)".
// - Clarifai/clarifai-python clarifai/client/model.py list_training_templates, get_params, get_param_info,
//   train, which read ListModelTypes through clarifai/utils/model_train.py (response_to_templates,
//   response_to_model_params, params_parser, response_to_param_info), for the types in
//   clarifai/constants/model.py TRAINABLE_MODEL_TYPES. The helpers below do what those functions do to
//   the answer (MessageToDict drops empty strings and false), so a case fails where the SDK would raise.

/** clarifai/constants/model.py */
const SDK_TRAINABLE = [
  'visual-classifier',
  'visual-detector',
  'visual-segmenter',
  'visual-anomaly-heatmap',
  'visual-embedder',
  'clusterer',
  'text-classifier',
  'embedding-classifier',
  'text-to-text',
];
/** model.py get_params: these take no template; every other trainable type needs one. */
const NO_TEMPLATE = ['clusterer', 'embedding-classifier'];

/** What MessageToDict keeps: no empty strings, no false, no empty lists. */
const kept = (v: unknown): boolean => v !== undefined && v !== null && v !== '' && v !== false && !(Array.isArray(v) && v.length === 0);
const last = (path: string): string => path.split('.').at(-1)!;
const fieldsOf = (t: ApiObject): ApiObject[] => (t.model_type_fields ?? []) as ApiObject[];
const templateField = (t: ApiObject): ApiObject | undefined => fieldsOf(t).find((f) => last(f.path) === 'template');

/** model_train.py response_to_templates */
const templatesOf = (t: ApiObject): string[] => ((templateField(t)?.model_type_enum_options ?? []) as ApiObject[]).map((o) => o.id as string);

/** model_train.py response_to_model_params (its quirks included: `_path[1]` on every path, inference_params rebuilt per field). */
function modelParams(t: ApiObject, template: string | undefined): ApiObject {
  const params: ApiObject = {};
  if (t.id !== 'clusterer') Object.assign(params, { dataset_id: '', dataset_version_id: '' });
  if (!['clusterer', 'text-to-text'].includes(t.id)) params.concepts = [];
  params.train_params = {};
  const dflt = (f: ApiObject) => (f.default_value !== undefined ? f.default_value : null);
  for (const f of fieldsOf(t)) {
    const p = String(f.path).split('.');
    assert.ok(p.length >= 2, `${t.id}: field path '${f.path}' has one segment; the SDK reads _path[1] of every path`);
    if (p[0] === "'eval_info'" || ['dataset', 'data'].includes(p[1]!) || ['dataset_id', 'dataset_version_id'].includes(p.at(-1)!) || f.internal_only) continue;
    if (p.at(-1) !== 'template') {
      if (p[0] === 'train_info' || p[0] === 'input_info') params.train_params[p.at(-1)!] = dflt(f);
      if (p[0] === 'output_info') params.inference_params = { [p.at(-1)!]: dflt(f) };
    } else if (kept(f.model_type_enum_options)) {
      const all = (f.model_type_enum_options as ApiObject[]).map((o) => o.id);
      assert.ok(all.includes(template), `${t.id}: template ${template} not in ${all}; the SDK raises ValueError`);
      const option = (f.model_type_enum_options as ApiObject[]).find((o) => o.id === template)!;
      params.train_params.template = option.id;
      for (const ef of (option.model_type_fields ?? []) as ApiObject[]) if (!ef.internal_only) params.train_params[last(ef.path)] = dflt(ef);
    }
  }
  return params;
}

/** model_train.py params_parser: the ModelVersion that Model.train() posts. */
function parseParams(params: ApiObject): ApiObject {
  const trainParams = { ...params.train_params };
  const version: ApiObject = { train_info: {}, output_info: {} };
  if ('base_embed_model' in trainParams) {
    if (trainParams.base_embed_model !== null) version.input_info = { base_embed_model: trainParams.base_embed_model };
    delete trainParams.base_embed_model;
  }
  version.train_info.params = trainParams;
  if ('dataset_id' in params) Object.assign(version.train_info.params, { dataset_id: params.dataset_id, dataset_version_id: params.dataset_version_id });
  if ('concepts' in params) version.output_info.data = { concepts: (params.concepts as string[]).map((id) => ({ id })) };
  if ('inference_params' in params) version.output_info.params = params.inference_params;
  return version;
}

/** model_train.py response_to_param_info: the field found for `param`, after the SDK's `del …['placeholder']`. */
function paramInfo(t: ApiObject, param: string, template: string | undefined): ApiObject | undefined {
  for (const f of fieldsOf(t)) {
    if (last(f.path) === param) {
      assert.ok(kept(f.placeholder), `${t.id}: field ${f.path} has no placeholder; get_param_info('${param}') raises KeyError`);
      return f;
    }
    if (last(f.path) === 'template') {
      const option = ((f.model_type_enum_options ?? []) as ApiObject[]).find((o) => o.id === template);
      for (const ef of (option?.model_type_fields ?? []) as ApiObject[]) {
        if (last(ef.path) === param) {
          assert.ok(kept(ef.placeholder), `${t.id}/${template}: field ${ef.path} has no placeholder; get_param_info('${param}') raises KeyError`);
          return ef;
        }
      }
    }
  }
  return undefined;
}

const newApp = async (api: ParityApi): Promise<ApiObject> => ({
  user_id: 'me',
  app_id: (await api.ok('PostApps', { user_app_id: { user_id: 'me' }, apps: [{ id: api.id('types') }] })).apps[0].id,
});

const allTypes = async (api: ParityApi, uai: ApiObject): Promise<ApiObject[]> =>
  (await api.ok('ListModelTypes', { user_app_id: uai })).model_types as ApiObject[];
/**
 * The types the SDK trains that a model here can have: trainable and creatable. (visual-detector and
 * text-to-text are listed as the platform lists them, but no model of theirs can be created here, so
 * the SDK's Model calls never reach them.)
 */
const sdkTrainable = (types: ApiObject[]): ApiObject[] => types.filter((t) => t.trainable === true && t.creatable === true && SDK_TRAINABLE.includes(t.id));

paritySuite('ListModelTypes', (cases) => {
  cases(
    'GET …/models/types?per_page=20&page=1 answers model types with ids; pages of 3 add up to the whole list; every creatable type can be used to create a model',
    'Clarifai/docs code_snippets/api-guide/model/create_get_update_delete/curl/list_model_types.sh; docs/api-guide/model "Manage Models" > List Model Types (creatable=true)',
    async (api) => {
      const uai = await newApp(api);
      const first = (await api.ok('ListModelTypes', { user_app_id: uai, per_page: 20, page: 1 })).model_types as ApiObject[];
      assert.ok(first.length > 0 && first.length <= 20);
      const everything = await allTypes(api, uai);
      const paged: string[] = [];
      for (let page = 1; ; page++) {
        const got = ((await api.ok('ListModelTypes', { user_app_id: uai, per_page: 3, page })).model_types ?? []) as ApiObject[];
        paged.push(...got.map((t) => t.id as string));
        if (got.length < 3) break;
      }
      assert.deepEqual(
        paged,
        everything.map((t) => t.id),
      );
      assert.equal(new Set(paged).size, paged.length, 'ids are unique');
      const creatable = everything.filter((t) => t.creatable === true);
      assert.ok(creatable.length > 0);
      for (const t of creatable) await api.ok('PostModels', { user_app_id: uai, models: [{ id: api.id(t.id), model_type_id: t.id }] });
    },
  );

  cases(
    "the SDK's list_training_templates finds templates for every trainable type that takes one",
    'Clarifai/clarifai-python clarifai/client/model.py list_training_templates; clarifai/utils/model_train.py response_to_templates',
    async (api) => {
      const types = sdkTrainable(await allTypes(api, await newApp(api)));
      assert.ok(types.length > 0, 'modelkeep serves some of the types the SDK trains');
      for (const t of types.filter((x) => !NO_TEMPLATE.includes(x.id))) assert.ok(templatesOf(t).length > 0, `${t.id} lists no template`);
    },
  );

  cases(
    "the SDK's get_params then train: the default params it builds from ListModelTypes make a version PostModelVersions accepts, for every template",
    'Clarifai/clarifai-python clarifai/client/model.py get_params, train; clarifai/utils/model_train.py response_to_model_params, params_parser',
    async (api) => {
      const uai = await newApp(api);
      const types = sdkTrainable(await allTypes(api, uai));
      for (const t of types) {
        const modelId = api.id(t.id);
        await api.ok('PostModels', { user_app_id: uai, models: [{ id: modelId, model_type_id: t.id }] });
        for (const template of NO_TEMPLATE.includes(t.id) ? [undefined] : templatesOf(t)) {
          const params = modelParams(t, template);
          if ('concepts' in params) params.concepts = ['positive', 'negative'];
          const r = await api.call('PostModelVersions', { user_app_id: uai, model_id: modelId, model_versions: [parseParams(params)] });
          assert.equal(r.status.code, 10000, `${t.id}/${template ?? '(no template)'}: ${JSON.stringify(r.status)}`);
          assert.match(String(r.model.model_version.id), /^[0-9a-f]{32}$/);
        }
        await api.ok('DeleteModel', { user_app_id: uai, model_id: modelId });
      }
    },
  );

  cases(
    "the SDK's get_param_info finds every param get_params lists, each with the placeholder it deletes",
    'Clarifai/clarifai-python clarifai/client/model.py get_param_info; clarifai/utils/model_train.py response_to_param_info',
    async (api) => {
      const types = sdkTrainable(await allTypes(api, await newApp(api)));
      for (const t of types) {
        for (const template of NO_TEMPLATE.includes(t.id) ? [undefined] : templatesOf(t)) {
          const params = modelParams(t, template);
          const keys = [...Object.keys(params.train_params), ...Object.keys(params.inference_params ?? {})];
          for (const k of keys) assert.ok(paramInfo(t, k, template), `${t.id}/${template}: get_param_info('${k}') finds no field`);
        }
      }
    },
  );
});
