import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';

const liveSchema = z.object({ status: z.literal('live') });
const readySchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  database: z.enum(['up', 'down']),
  shuttingDown: z.boolean().describe('The process is closing: it finishes what it has and should be sent nothing new'),
});

/** How long the readiness probe waits for the database: an orchestrator's probe has a timeout of its own. */
const databaseProbeMs = 3000;

/**
 * Probes for an orchestrator, beside /health (which reports for people: lag, holdback, integrity):
 * - /health/live: the process answers (no database): restart it only when this fails;
 * - /health/ready: it can take requests: its migrations are applied (a process listens only once
 *   they are: migrated by itself, or by the owner before it, see main.ts), the database answers,
 *   and it is not shutting down (from the first moment of closing: a load balancer stops sending
 *   while requests in flight finish). Route traffic to it only while this is 200.
 */
export async function probeRoutes(app: FastifyInstance) {
  let shuttingDown = false;
  app.addHook('preClose', async () => {
    shuttingDown = true;
  });
  const probes = app.withTypeProvider<ZodTypeProvider>();
  probes.get(
    '/health/live',
    {
      schema: {
        operationId: 'getLiveness',
        tags: ['operations'],
        security: [],
        summary: 'Liveness: 200 while the process answers (the database is not asked)',
        response: { 200: liveSchema },
      },
    },
    async () => ({ status: 'live' as const }),
  );
  probes.get(
    '/health/ready',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['operations'],
        security: [],
        summary: 'Readiness: 200 when migrated and the database answers; 503 while it does not, or the process is shutting down',
        response: { 200: readySchema, 503: readySchema },
      },
    },
    async (request, reply) => {
      const up = await databaseAnswers(request.server);
      const ready = up && !shuttingDown;
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', database: up ? 'up' : 'down', shuttingDown });
    },
  );
}

async function databaseAnswers(app: FastifyInstance): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), databaseProbeMs)));
  const probe = sql`select 1`.execute(app.database.db).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
