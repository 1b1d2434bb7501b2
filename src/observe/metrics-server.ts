import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Scrape = () => Promise<{ contentType: string; body: string }>;

/**
 * MODELKEEP_METRICS_PORT: /metrics on a port of its own (kept off the API port, e.g. reachable only
 * from the monitoring network). Anything else there is a 404.
 */
export async function serveMetrics(host: string, port: number, scrape: Scrape): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Only GET /metrics is served on this port.\n');
      return;
    }
    scrape().then(
      (m) => res.writeHead(200, { 'content-type': m.contentType }).end(m.body),
      (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics could not be collected: ${(e as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
