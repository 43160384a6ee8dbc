import { randomUUID } from 'node:crypto';
import type { Database, Vacuumer } from '@cco/event-store';
import type { KafkaSettings } from '@cco/publishing';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { loggerOptions } from './logger';
import { authPlugin, type AuthOptions } from './plugins/auth';
import { bodiesPlugin } from './plugins/bodies';
import { chainerPlugin } from './plugins/chainer';
import { databasePlugin } from './plugins/database';
import { erasurePurgePlugin } from './plugins/erasurePurge';
import { metricsPlugin } from './plugins/metrics';
import { openapiPlugin } from './plugins/openapi';
import { limitsPlugin } from './plugins/limits';
import { problemClientErrorHandler, problemFrameworkErrors, problemsPlugin } from './plugins/problems';
import { defaultLimits, type LimitsConfig } from './config';
import { projectionsPlugin } from './plugins/projections';
import { relayPlugin } from './plugins/relay';
import { transparencyLogPlugin, type TransparencyOptions } from './plugins/transparencyLog';
import { auditRoutes } from './routes/audit';
import { caseBoardRoutes } from './routes/caseBoard';
import { caseRoutes } from './routes/cases';
import { commandRoutes } from './routes/commands';
import { dashboardRoutes } from './routes/dashboard';
import { healthRoutes } from './routes/health';
import { logRoutes } from './routes/log';
import { probeRoutes } from './routes/probes';
import { projectionRoutes } from './routes/projections';
import { statisticsRoutes } from './routes/statistics';
import { transparencyRoutes } from './routes/transparency';
import { victimVerificationRoutes } from './routes/victimVerifications';
import type { ApiTables } from './tables';

export interface AppOptions {
  database: Database<ApiTables>;
  auth: AuthOptions;
  /** GET /metrics on the API's port (default true; production serves it on a listener of its own). */
  metricsOnApiPort?: boolean;
  /** PERSONAL_DATA_KEY: wraps each subject's data key. */
  personalDataKey: Buffer;
  /** VACUUMs subject_keys as its owner after erasures (see plugins/erasurePurge); none: erasures stay pending purge. */
  vacuum?: Vacuumer | undefined;
  migrate?: boolean;
  /** Background readers of the log (the hash chainer); off for tests that drive them by hand. */
  workers?: boolean;
  /** The HTTP API (auth, docs, every /v1 route); off in a worker process, which keeps /health and /metrics. */
  api?: boolean;
  /** Kafka publishing (KAFKA_BROKERS); undefined leaves the relay idle, the backlog kept in PostgreSQL. */
  kafka?: KafkaSettings | undefined;
  logLevel?: string;
  /** Rate limit, HTTP timeouts and the holdback alert (config.ts reads them); default defaultLimits. */
  limits?: LimitsConfig;
  logger?: FastifyServerOptions['loggerInstance'];
  /** Checkpoint signing key, witnesses' keys and schedules (see plugins/transparencyLog). */
  transparency?: Omit<TransparencyOptions, 'workers'>;
}

/** Builds the whole API as a Fastify instance. It never listens: main.ts does. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const limits = options.limits ?? defaultLimits;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: loggerOptions(options.logLevel ?? 'info') }),
    // A caller's correlation id is kept (and becomes the events' correlationId) if it is sane.
    genReqId: (req) => {
      const given = req.headers['x-correlation-id'];
      return typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    // One line per request (below), not Fastify's two: the log is written on every request's
    // path, and the first line only said what the second repeats.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    // Slow clients cannot hold the server: headers within HTTP_HEADERS_TIMEOUT_MS, the whole
    // request within HTTP_REQUEST_TIMEOUT_MS (checked every second), a silent socket closed.
    connectionTimeout: limits.connectionTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: 1000 },
    clientErrorHandler: problemClientErrorHandler,
    frameworkErrors: problemFrameworkErrors,
    routerOptions: { maxParamLength: 200 },
    ajv: undefined,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-correlation-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  });

  await app.register(problemsPlugin);
  await app.register(bodiesPlugin);
  await app.register(limitsPlugin, limits);
  await app.register(metricsPlugin, { onApiPort: options.metricsOnApiPort ?? true });
  await app.register(databasePlugin, {
    database: options.database,
    migrate: options.migrate ?? true,
    personalDataKey: options.personalDataKey,
  });
  await app.register(erasurePurgePlugin, { vacuum: options.vacuum });
  const api = options.api ?? true;
  if (api) await app.register(authPlugin, options.auth);
  if (api) await app.register(openapiPlugin);
  if (options.workers ?? true) await app.register(chainerPlugin);
  await app.register(transparencyLogPlugin, { ...options.transparency, workers: options.workers ?? true });
  if (options.workers ?? true) await app.register(projectionsPlugin);
  if (options.workers ?? true) await app.register(relayPlugin, { kafka: options.kafka });

  await app.register(healthRoutes, { holdbackAlertMs: limits.holdbackAlertMs });
  await app.register(probeRoutes);
  if (!api) return app;
  await app.register(commandRoutes);
  await app.register(caseRoutes);
  await app.register(logRoutes);
  await app.register(auditRoutes);
  await app.register(transparencyRoutes);
  await app.register(caseBoardRoutes);
  await app.register(statisticsRoutes);
  await app.register(victimVerificationRoutes);
  await app.register(projectionRoutes);
  await app.register(dashboardRoutes);
  return app;
}
