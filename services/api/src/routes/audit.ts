import { readChainHead, readChainLink, readLatestIntegrityRun, rereadLog, type LogVerification } from '@cco/transparency-log';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../errors';
import { requireRoles } from '../plugins/auth';
import { caseId, problems, withinInt8 } from '../schemas/common';

const auditors = requireRoles('auditor');

export async function auditRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/v1/audit/integrity',
    {
      onRequest: auditors,
      schema: {
        operationId: 'checkIntegrity',
        tags: ['audit'],
        summary: 'Re-reads the stored events against the Merkle tree, the hash chain and the signed checkpoints (auditors)',
        description:
          'Never vouches for an event it did not re-read: by default it re-reads as much of the log as fits in the request ' +
          '(all of it, unless the log is large), resuming where the previous partial call stopped, and says which leaves it re-read (`reread`). ' +
          '`ok` also reflects the last whole re-verification (`lastFullVerification`, run in the background on a schedule). ' +
          '`full=true` re-reads the whole log now, however long it takes, and records the result.',
        querystring: z.strictObject({
          full: z.enum(['true', 'false']).default('false'),
          witness: z
            .string()
            .regex(/^\d{1,18}:[0-9a-f]{64}$/, '<seq>:<hash> as GET /v1/audit/chain-head gave it')
            .optional()
            .describe('A chain head recorded earlier outside this database: the chain must still contain it'),
        }),
        response: {
          200: z.object({
            ok: z.boolean(),
            checked: z.number().int().describe('Events re-read by this call'),
            firstBrokenPosition: z.string().nullable(),
            firstBrokenLeaf: z
              .number()
              .int()
              .nullable()
              .describe('Leaf index of the first break (exact even when the event and its link are gone)'),
            detail: z.string().nullable(),
            full: z.boolean(),
            chainLength: z.string().describe('Leaves in the tree (= links in the chain)'),
            reread: z.object({
              fromLeaf: z.number().int(),
              toLeaf: z.number().int().describe('Exclusive'),
              treeSize: z.number().int(),
              complete: z.boolean().describe('The whole log was re-read by this call'),
              at: z.string(),
            }),
            lastFullVerification: z
              .object({
                at: z.string(),
                ok: z.boolean(),
                treeSize: z.number().int(),
                checked: z.number().int(),
                firstBrokenPosition: z.string().nullable(),
                detail: z.string().nullable(),
              })
              .nullable(),
            witnessMatches: z.boolean().optional().describe('With `witness`: the link at that seq still has that hash'),
          }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const full = request.query.full === 'true';
      const db = request.server.database.db;
      const at = new Date();
      let result: LogVerification;
      if (full) {
        result = await request.server.transparency.verifyAll();
      } else {
        // A log too large for one request is re-read in turns: each call resumes where the last stopped.
        result = await rereadLog(db, Date.now() + request.server.transparency.integrityBudgetMs);
      }
      const last = await readLatestIntegrityRun(db);
      const wholeNow = result.complete && result.fromLeaf === 0;
      // A partial re-read cannot clear a break that the last whole run found.
      const carried = !wholeNow && result.ok && last && !last.ok ? last : null;
      const answer = {
        ok: result.ok && !carried,
        checked: result.checked,
        firstBrokenPosition: carried ? carried.firstBrokenPosition : result.firstBrokenPosition,
        firstBrokenLeaf: carried ? null : result.firstBrokenLeaf,
        detail: carried ? `the last whole re-verification (${carried.finishedAt.toISOString()}) failed: ${carried.detail}` : result.detail,
        full,
        chainLength: String(result.treeSize),
        reread: {
          fromLeaf: result.fromLeaf,
          toLeaf: result.toLeaf,
          treeSize: result.treeSize,
          complete: result.complete,
          at: at.toISOString(),
        },
        lastFullVerification: last
          ? {
              at: last.finishedAt.toISOString(),
              ok: last.ok,
              treeSize: last.treeSize,
              checked: last.checked,
              firstBrokenPosition: last.firstBrokenPosition,
              detail: last.detail,
            }
          : null,
      };
      if (!request.query.witness) return answer;
      // A chain rewritten from some event on verifies on its own; the witnessed head gives it away.
      const [seq, hash] = request.query.witness.split(':') as [string, string];
      const link = await readChainLink(db, seq);
      const witnessMatches = link?.hash === hash;
      return { ...answer, ok: answer.ok && witnessMatches, witnessMatches };
    },
  );

  routes.get(
    '/v1/audit/chain-head',
    {
      onRequest: auditors,
      schema: {
        operationId: 'getChainHead',
        tags: ['audit'],
        summary: 'The latest link of the hash chain, for each ministry to record outside this database (auditors)',
        description:
          'Give it back later as `GET /v1/audit/integrity?witness=<seq>:<hash>`: a chain rewritten after it was recorded no longer contains it.',
        response: {
          200: z.object({ seq: z.string(), position: z.string(), hash: z.string(), witness: z.string().describe('`<seq>:<hash>`') }),
          ...problems(401, 403, 404),
        },
      },
    },
    async (request) => {
      const head = await readChainHead(request.server.database.db);
      if (!head) throw new Problem('not_found', 'The chain is empty: nothing has been chained yet');
      return { ...head, witness: `${head.seq}:${head.hash}` };
    },
  );

  routes.get(
    '/v1/audit/access-log',
    {
      onRequest: auditors,
      schema: {
        operationId: 'listAccessLog',
        tags: ['audit'],
        summary: 'Who read which case’s personal data, and when (auditors; Art. 9 of the 2016 agreement)',
        querystring: z.strictObject({
          caseId: caseId.optional(),
          after: z
            .string()
            .regex(/^\d{1,19}$/)
            .refine(withinInt8, 'beyond int8')
            .optional()
            .describe('The nextAfter of the previous page'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                caseId: z.string(),
                actor: z.string(),
                party: z.string(),
                roles: z.array(z.string()),
                issuer: z.string().nullable().describe('The verified iss of the reader’s token'),
                kid: z.string().nullable().describe('The key (kid) that signed the reader’s token'),
                resource: z.string(),
                correlationId: z.string(),
                accessedAt: z.string(),
              }),
            ),
            nextAfter: z.string().nullable(),
          }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const { caseId, after, limit } = request.query;
      let query = request.server.database.db.selectFrom('personal_data_access').selectAll().orderBy('id').limit(limit);
      if (caseId) query = query.where('case_id', '=', caseId);
      if (after) query = query.where('id', '>', after);
      const rows = await query.execute();
      return {
        items: rows.map((r) => ({
          caseId: r.case_id,
          actor: r.actor,
          party: r.party,
          roles: r.roles,
          issuer: r.issuer,
          kid: r.kid,
          resource: r.resource,
          correlationId: r.correlation_id,
          accessedAt: r.accessed_at.toISOString(),
        })),
        nextAfter: rows.length === limit ? String(rows[rows.length - 1]!.id) : null,
      };
    },
  );
}
