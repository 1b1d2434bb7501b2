/** Model types: the catalog, its registry, and the rules that turn a request's `*_info` into a version's config. */
export * from './types.js';
export { DEFAULT_BASE_EMBED_MODEL, DEFAULT_MODEL_TYPE_ID, defaultModelTypes, ModelTypeRegistry } from './catalog.js';
export { checkModelTypeDef } from './registry.js';
export { allowedText, checkFieldValue, findEnumOption, type ValueCheck } from './field-values.js';
export { resolveVersionConfig, validateConcepts, validateOutputInfoOverride, type VersionConfig } from './version-config.js';
