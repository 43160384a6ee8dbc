import { readLag } from '@cco/projections';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readLatestIntegrityRun } from '../transparency/integrityRuns';

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
  integrity: z
    .object({ at: z.string(), ok: z.boolean(), treeSize: z.number().int(), firstBrokenPosition: z.string().nullable() })
    .nullable()
    .optional()
    .describe('The last whole re-verification of the log against the Merkle tree and the signed checkpoints (null: not run yet)'),
});

export async function healthRoutes(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().get('/health', {
    schema: { tags: ['operations'], summary: '200 once the service can take requests', response: { 200: healthSchema, 503: healthSchema } },
  }, async (request, reply) => {
    try {
      await sql`select 1`.execute(request.server.database.db);
      const lag = await readLag(request.server.database.db);
      const run = await readLatestIntegrityRun(request.server.database.db);
      return {
        status: 'ok' as const,
        database: 'up' as const,
        projections: lag.map((l) => ({
          name: l.projection,
          checkpoint: `${l.checkpoint.transactionId}.${l.checkpoint.position}`,
          eventsBehind: l.eventsBehind,
          secondsBehind: Math.round(l.secondsBehind * 1000) / 1000,
        })),
        integrity: run ? { at: run.finishedAt.toISOString(), ok: run.ok, treeSize: run.treeSize, firstBrokenPosition: run.firstBrokenPosition } : null,
      };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: 'down' });
    }
  });
}
