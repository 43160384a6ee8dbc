import { readHoldback } from '@cco/event-store';
import { readLag } from '@cco/projections';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Gauge } from 'prom-client';
import { z } from 'zod';
import { readLatestIntegrityRun } from '@cco/transparency-log';

const lagSchema = z.object({
  name: z.string(),
  checkpoint: z.string().describe('`<transaction id>.<position>`: the last event applied, in commit-safe order'),
  eventsBehind: z.number().int(),
  secondsBehind: z.number().describe('Age of the oldest event not yet applied; 0 when caught up'),
});
const holdbackSchema = z.object({
  pid: z.number().int().describe('The PostgreSQL backend whose open transaction holds the log readers back'),
  seconds: z.number().nullable().describe('How long that transaction has been open; null when the service role may not see it'),
});
const healthSchema = z.object({
  status: z
    .enum(['ok', 'degraded', 'unavailable'])
    .describe('`degraded`: serving, but a long transaction of this database holds the log readers back'),
  database: z.enum(['up', 'down']),
  projections: z.array(lagSchema).optional().describe('How far each read model is behind the log (a lag is not a failure)'),
  holdback: holdbackSchema.nullable().optional().describe('The oldest open writing transaction of this database, if any'),
  integrity: z
    .object({ at: z.string(), ok: z.boolean(), treeSize: z.number().int(), firstBrokenPosition: z.string().nullable() })
    .nullable()
    .optional()
    .describe('The last whole re-verification of the log against the Merkle tree and the signed checkpoints (null: not run yet)'),
});

export interface HealthOptions {
  /** A transaction of this database open longer than this makes /health `degraded`. */
  holdbackAlertMs: number;
}

export async function healthRoutes(app: FastifyInstance, options: HealthOptions) {
  // Scraped, not pushed: the age of the oldest transaction that holds the log's readers back.
  new Gauge({
    name: 'cco_log_holdback_seconds',
    help: 'Age of the oldest open transaction of this database that holds the log readers back (0: none)',
    registers: [app.metrics],
    async collect() {
      const holdback = await readHoldback(app.database.db).catch(() => null);
      this.set(holdback?.seconds ?? 0);
    },
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    '/health',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['operations'],
        security: [],
        summary: '200 once the service can take requests (`degraded` included); 503 when the database is down',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (request, reply) => {
      try {
        const { db } = request.server.database;
        await sql`select 1`.execute(db);
        const [lag, holdback, run] = await Promise.all([readLag(db), readHoldback(db), readLatestIntegrityRun(db)]);
        const stuck = holdback !== null && holdback.seconds !== null && holdback.seconds * 1000 > options.holdbackAlertMs;
        return {
          status: stuck ? ('degraded' as const) : ('ok' as const),
          database: 'up' as const,
          projections: lag.map((l) => ({
            name: l.projection,
            checkpoint: `${l.position.transactionId}.${l.position.position}`,
            eventsBehind: l.eventsBehind,
            secondsBehind: Math.round(l.secondsBehind * 1000) / 1000,
          })),
          holdback: holdback && {
            pid: holdback.pid,
            seconds: holdback.seconds === null ? null : Math.round(holdback.seconds * 1000) / 1000,
          },
          integrity: run
            ? { at: run.finishedAt.toISOString(), ok: run.ok, treeSize: run.treeSize, firstBrokenPosition: run.firstBrokenPosition }
            : null,
        };
      } catch {
        return reply.code(503).send({ status: 'unavailable', database: 'down' });
      }
    },
  );
}
