import { createServer } from 'node:http';
import { openDatabase } from '@cco/event-store';
import { registerRelayMetrics, readStandaloneSettings, startRelay } from '@cco/publishing';
import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';

// `npm run relay`: the relay without the API, for when publishing should scale or restart on
// its own. Any number may run beside the API's: one publishes at a time (advisory lock), the
// others stand by.
const log = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'cco-relay' } });
const standalone = readStandaloneSettings(process.env);
if (!standalone.ok) {
  log.error({ missing: standalone.missing }, `npm run relay needs ${standalone.missing.join(' and ')}`);
  process.exit(1);
}
const { settings, databaseUrl } = standalone;

const database = await openDatabase({
  url: databaseUrl,
  poolSize: 3,
  onPoolError: (err) => log.warn({ err }, 'database connection lost; reconnecting'),
});
const registry = new Registry();
collectDefaultMetrics({ register: registry });
const relay = startRelay({ database, settings, log, metrics: registerRelayMetrics(registry, database.db) });
log.info({ brokers: settings.brokers, topics: settings.topics }, 'Kafka relay started');

// Its figures for Prometheus when METRICS_PORT is set (the API serves the same at /metrics).
const metricsPort = process.env.METRICS_PORT;
const server = metricsPort
  ? createServer(async (_req, res) => res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics())).listen(
      Number(metricsPort),
      process.env.HOST ?? '127.0.0.1',
    )
  : undefined;

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) log.error({ err }, 'relay stopping after an error');
  else log.info({ signal }, 'relay stopping');
  server?.close();
  await relay.stop();
  await database.close();
});
