// Regenerates src/gen/api.ts from the protos the server loads (npm run gen).
// Usage: node --import tsx scripts/gen-api.ts [--check]   (--check: exit 1 when the file is stale)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedApiTypes } from './gen/current.js';

const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/gen/api.ts');
const text = generatedApiTypes();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error('src/gen/api.ts is stale: run `npm run gen` and commit the result.');
    process.exit(1);
  }
} else {
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${path.relative(process.cwd(), target)} (${text.split('\n').length} lines)`);
}
