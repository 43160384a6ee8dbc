import { readLag } from '@cco/projections';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

const lagSchema = z.object({
  name: z.string(),
  checkpoint: z.string().describe('`<transaction id>.<position>`: the last event applied, in commit-safe order'),
  eventsBehind: z.number().int(),
  secondsBehind: z.number().describe('Age of the oldest event not yet applied; 0 when caught up'),
});
const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  database: z.enum(['up', 'down']),
  projections: z.array(lagSchema).optional().describe('How far each read model is behind the log (a lag is not a failure)'),
});

export async function healthRoutes(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().get('/health', {
    schema: { operationId: 'getHealth', tags: ['operations'], security: [], summary: '200 once the service can take requests', response: { 200: healthSchema, 503: healthSchema } },
  }, async (request, reply) => {
    try {
      await sql`select 1`.execute(request.server.database.db);
      const lag = await readLag(request.server.database.db);
      return {
        status: 'ok' as const,
        database: 'up' as const,
        projections: lag.map((l) => ({
          name: l.projection,
          checkpoint: `${l.checkpoint.transactionId}.${l.checkpoint.position}`,
          eventsBehind: l.eventsBehind,
          secondsBehind: Math.round(l.secondsBehind * 1000) / 1000,
        })),
      };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: 'down' });
    }
  });
}
