import { randomUUID } from 'node:crypto';
import type { Database } from '@cco/event-store';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { loggerOptions } from './logger';
import { authPlugin, type AuthOptions } from './plugins/auth';
import { chainerPlugin } from './plugins/chainer';
import { databasePlugin } from './plugins/database';
import { metricsPlugin } from './plugins/metrics';
import { openapiPlugin } from './plugins/openapi';
import { problemsPlugin } from './plugins/problems';
import { auditRoutes } from './routes/audit';
import { caseRoutes } from './routes/cases';
import { commandRoutes } from './routes/commands';
import { healthRoutes } from './routes/health';
import { logRoutes } from './routes/log';
import type { ApiTables } from './tables';

export interface AppOptions {
  database: Database<ApiTables>;
  auth: AuthOptions;
  migrate?: boolean;
  /** Background readers of the log (the hash chainer); off for tests that drive them by hand. */
  workers?: boolean;
  logLevel?: string;
  logger?: FastifyServerOptions['loggerInstance'];
}

/** Builds the whole API as a Fastify instance. It never listens: server.ts does. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: loggerOptions(options.logLevel ?? 'info') }),
    // A caller's correlation id is kept (and becomes the events' correlationId) if it is sane.
    genReqId: (req) => {
      const given = req.headers['x-correlation-id'];
      return typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: 256 * 1024,
    routerOptions: { maxParamLength: 200 },
    ajv: undefined,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-correlation-id', request.id);
  });

  await app.register(problemsPlugin);
  await app.register(metricsPlugin);
  await app.register(databasePlugin, { database: options.database, migrate: options.migrate ?? true });
  await app.register(authPlugin, options.auth);
  await app.register(openapiPlugin);
  if (options.workers ?? true) await app.register(chainerPlugin);

  await app.register(healthRoutes);
  await app.register(commandRoutes);
  await app.register(caseRoutes);
  await app.register(logRoutes);
  await app.register(auditRoutes);
  return app;
}
