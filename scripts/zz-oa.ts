import { loadClarifaiProtos } from '../src/proto/load.js';
import { openApiDocument } from '../src/transport/rest/openapi/document.js';
const p = loadClarifaiProtos();
const names = process.argv.slice(2);
const t0 = performance.now();
const doc = openApiDocument([...p.rpcs.values()].filter((r) => names.length === 0 || names.includes(r.name)), { version: 'x' });
const t1 = performance.now();
const s = JSON.stringify(doc);
console.log((t1 - t0).toFixed(1), 'ms', s.length, 'bytes', Object.keys(doc.paths as object).length, 'paths', Object.keys((doc.components as any).schemas).length, 'schemas');
