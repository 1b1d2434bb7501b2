import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

/**
 * ARCHITECTURE habit 2: domain <- service <- adapters. The domain imports nothing outside itself;
 * transports never touch storage; storage never imports services or transports.
 */
const SRC = path.resolve('src');
const files: string[] = [];
const walk = (d: string): void => {
  for (const n of readdirSync(d)) {
    const p = path.join(d, n);
    if (statSync(p).isDirectory()) walk(p);
    else if (n.endsWith('.ts') && !n.endsWith('.test.ts')) files.push(p);
  }
};
walk(SRC);

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm)].map((m) => path.relative(SRC, path.resolve(path.dirname(file), m[1]!)));
}

const layer = (rel: string): string => rel.split(path.sep)[0]!;

const FORBIDDEN: Record<string, string[]> = {
  domain: ['ports', 'service', 'storage', 'transport', 'proto', 'app', 'cli', 'jobs', 'plugins', 'processing', 'ml', 'config', 'gen'],
  // Generated API types (docs/decisions/0016) lean on the JSON types of the domain and nothing else.
  gen: ['ports', 'service', 'storage', 'transport', 'proto', 'app', 'cli', 'jobs', 'plugins', 'processing', 'ml', 'config'],
  transport: ['storage', 'jobs', 'plugins', 'processing'],
  storage: ['service', 'transport', 'app', 'cli', 'jobs', 'plugins', 'processing'],
  ports: ['service', 'storage', 'transport', 'app', 'cli', 'jobs', 'processing', 'plugins', 'ml', 'net'],
  // Services reach plugins through ports/plugins.ts (PluginLookup), never a plugin's code, a job or the processor.
  service: ['transport', 'app', 'cli', 'storage', 'jobs', 'processing', 'plugins'],
  // Outbound HTTP (the guarded fetcher) is an adapter beside storage: it knows no service, job or store.
  net: ['service', 'storage', 'transport', 'app', 'cli', 'jobs', 'plugins', 'processing', 'ml', 'ports'],
  // The command line talks to a server through its client, or to a database through app/offline-store.ts.
  cli: ['service', 'storage', 'transport', 'jobs', 'processing', 'plugins', 'ml', 'net', 'observe', 'ports'],
  // Background work sits beside the services, not above them: it shares the domain, never a service.
  jobs: ['service', 'transport', 'app', 'cli', 'storage'],
  processing: ['service', 'transport', 'app', 'cli', 'storage'],
  plugins: ['service', 'transport', 'app', 'cli', 'storage', 'jobs'],
  ml: ['service', 'transport', 'app', 'cli', 'storage', 'jobs', 'plugins', 'ports'],
  // Logs and metrics see calls and jobs through the service's observer types and the ports, never a store or a transport.
  observe: ['transport', 'app', 'cli', 'storage', 'jobs', 'plugins', 'processing'],
};

it('imports follow domain <- service <- adapters', () => {
  const violations: string[] = [];
  for (const f of files) {
    const from = layer(path.relative(SRC, f));
    const banned = FORBIDDEN[from] ?? [];
    for (const target of importsOf(f)) if (banned.includes(layer(target))) violations.push(`${path.relative(SRC, f)} -> ${target}`);
  }
  assert.deepEqual(violations, []);
});

it('the ports do not import each other in a cycle', () => {
  const ports = files.filter((f) => layer(path.relative(SRC, f)) === 'ports');
  const edges = new Map(
    ports.map((f) => [
      path.relative(SRC, f),
      importsOf(f)
        .map((t) => t.replace(/\.js$/, '.ts'))
        .filter((t) => layer(t) === 'ports'),
    ]),
  );
  const cycles: string[] = [];
  const visit = (node: string, trail: string[]): void => {
    if (trail.includes(node)) {
      cycles.push([...trail.slice(trail.indexOf(node)), node].join(' -> '));
      return;
    }
    for (const next of edges.get(node) ?? []) visit(next, [...trail, node]);
  };
  for (const start of edges.keys()) visit(start, []);
  assert.deepEqual(cycles, []);
});

it('only the config module reads process.env', () => {
  const readers = files.filter((f) => /process\.env\b/.test(readFileSync(f, 'utf8'))).map((f) => path.relative(SRC, f));
  assert.deepEqual(
    readers.filter((r) => !r.startsWith(`config${path.sep}`) && !r.startsWith(`cli${path.sep}`)),
    [],
  );
});
