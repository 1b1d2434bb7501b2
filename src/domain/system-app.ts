/**
 * The read-only public app that holds the built-in base models, as on Clarifai: `clarifai/main`.
 * Its identity lives here only; the seeding (app/system-app.ts), access (service/app-resolver.ts),
 * the embedder owner check (plugins/embedding.ts) and the catalog's default base model read it.
 */
export const SYSTEM_USER_ID = 'clarifai';
export const SYSTEM_APP_ID = 'main';
