import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

export interface MetricsOptions {
  /** GET /metrics on the API's own port; off in production (startMetricsListener serves it). */
  onApiPort?: boolean;
}

/** Prometheus text at /metrics: process metrics plus requests by route and status. */
export const metricsPlugin = fp(
  async function metrics(app: FastifyInstance, options: MetricsOptions) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const requests = new Histogram({
      name: 'cco_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    });
    const problems = new Counter({
      name: 'cco_http_problems_total',
      help: 'Problem responses by status',
      labelNames: ['status'],
      registers: [registry],
    });
    app.decorate('metrics', registry);
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      requests.observe({ method: request.method, route, status: reply.statusCode }, reply.elapsedTime / 1000);
      if (reply.statusCode >= 400) problems.inc({ status: reply.statusCode });
    });
    if (options.onApiPort ?? true) {
      app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
        reply.type(registry.contentType).send(await registry.metrics()),
      );
    }
  },
  { name: 'metrics' },
);

/** The metrics listener: bound before anything else happens, serving once the app's registry is given. */
export interface MetricsListener {
  port: number;
  serve(registry: Registry): void;
  close(): void;
}

/**
 * /metrics on a listener of its own (METRICS_HOST:METRICS_PORT, 127.0.0.1 by default), so the
 * figures are not public where the API is: a Prometheus on the host (or a sidecar) scrapes it.
 * Bound first thing at start (a port in use refuses the start before the database is touched);
 * 503 until `serve` hands it the registry.
 */
export async function startMetricsListener(at: { port: number; host: string }): Promise<MetricsListener> {
  let registry: Registry | undefined;
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    if (!registry) return void response.writeHead(503, { 'content-type': 'text/plain' }).end('starting\n');
    registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': registry!.contentType }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    serve: (given) => (registry = given),
    close: () => server.close(),
  };
}
