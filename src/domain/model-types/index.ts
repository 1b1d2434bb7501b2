/** Model types: the catalog, its registry, and the rules that turn a request's `*_info` into a version's config. */

export { DEFAULT_BASE_EMBED_MODEL, DEFAULT_MODEL_TYPE_ID, defaultModelTypes, ModelTypeRegistry } from './catalog.js';
export { allowedText, checkFieldValue, findEnumOption, type ValueCheck } from './field-values.js';
export { checkModelTypeDef } from './registry.js';
export * from './types.js';
export { resolveVersionConfig, type VersionConfig, validateConcepts, validateOutputInfoOverride } from './version-config.js';
