import { readFileSync } from 'node:fs';

/** This build's version, from package.json (two levels up from src/app or dist/app). */
export const MODELKEEP_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
