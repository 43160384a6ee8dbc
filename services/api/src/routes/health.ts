import { readHoldback } from '@cco/event-store';
import { parties } from '@cco/domain';
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
  seconds: z
    .number()
    .nullable()
    .describe(
      "How long that transaction has been open: from its start where the service's role may read it, else since the service first saw it (short by at most a few seconds)",
    ),
});
const healthSchema = z.object({
  status: z
    .enum(['ok', 'degraded', 'unavailable'])
    .describe(
      '`degraded`: serving, but a long transaction of this database holds the log readers back, or both parties list the same signing key',
    ),
  database: z.enum(['up', 'down']),
  projections: z.array(lagSchema).optional().describe('How far each read model is behind the log (a lag is not a failure)'),
  holdback: holdbackSchema.nullable().optional().describe('The oldest open writing transaction of this database, if any'),
  integrity: z
    .object({ at: z.string(), ok: z.boolean(), treeSize: z.number().int(), firstBrokenPosition: z.string().nullable() })
    .nullable()
    .optional()
    .describe('The last whole re-verification of the log against the Merkle tree and the signed checkpoints (null: not run yet)'),
  contestedKeys: z
    .array(z.object({ party: z.enum(parties), kids: z.array(z.string()) }))
    .optional()
    .describe("Signing keys a party's JWKS lists that the other party's lists too: trusted for neither until one removes them"),
});

/** How often /health's plugin looks for a transaction holding the readers back, unasked. */
const holdbackSampleMs = 5000;

export interface HealthOptions {
  /** A transaction of this database open longer than this makes /health `degraded`. */
  holdbackAlertMs: number;
}

export async function healthRoutes(app: FastifyInstance, options: HealthOptions) {
  // A transaction another role opened shows no start time to the service's role: its age counts
  // from when this process first saw it (readHoldback), so look every few seconds, not only
  // when asked, for the alert to fire on time.
  const sampler = setInterval(() => void readHoldback(app.database.db).catch(() => undefined), holdbackSampleMs);
  sampler.unref();
  app.addHook('onClose', async () => clearInterval(sampler));
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
        const contestedKeys = request.server.contestedKeys?.() ?? [];
        return {
          status: stuck || contestedKeys.length > 0 ? ('degraded' as const) : ('ok' as const),
          ...(contestedKeys.length > 0 ? { contestedKeys } : {}),
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
