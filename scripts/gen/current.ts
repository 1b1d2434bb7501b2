import { readFileSync } from 'node:fs';
import path from 'node:path';
import { clarifaiPackageRoot, loadClarifaiProtos } from '../../src/proto/load.js';
import { renderApiTypes } from './api-types.js';

/** What src/gen/api.ts must contain for the installed protos (the script writes it, a test compares). */
export function generatedApiTypes(): string {
  const pkg = JSON.parse(readFileSync(path.join(clarifaiPackageRoot(), 'package.json'), 'utf8')) as { version: string };
  return renderApiTypes(loadClarifaiProtos({ comments: true }).root, `the protos of clarifai-nodejs-grpc ${pkg.version}`);
}
