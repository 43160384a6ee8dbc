import { readChainHead, readChainLink, verifyChainIncrementally } from '@cco/event-store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../errors';
import { requireRoles } from '../plugins/auth';
import { caseId, problems, withinInt8 } from '../schemas/common';

const auditors = requireRoles('auditor');

export async function auditRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get('/v1/audit/integrity', {
    onRequest: auditors,
    schema: {
      operationId: 'checkIntegrity',
      tags: ['audit'],
      summary: 'Re-derives the hash chain from the stored events (auditors)',
      description:
        'Incremental by default: verifies the links added since the last successful check and their attachment to it. ' +
        '`full=true` re-verifies the whole chain from the genesis (finds an event altered after it was last checked).',
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
          checked: z.number().int().describe('Links verified by this call'),
          firstBrokenPosition: z.string().nullable(),
          full: z.boolean(),
          chainLength: z.string().describe('Links in the verified chain, when ok'),
          witnessMatches: z.boolean().optional().describe('With `witness`: the link at that seq still has that hash'),
        }),
        ...problems(400, 401, 403),
      },
    },
  }, async (request) => {
    const full = request.query.full === 'true';
    const db = request.server.database.db;
    const { ok, checked, firstBrokenPosition, lastSeq } = await verifyChainIncrementally(db, { full });
    if (!request.query.witness) return { ok, checked, firstBrokenPosition, full, chainLength: lastSeq };
    // A chain rewritten from some event on verifies on its own; the witnessed head gives it away.
    const [seq, hash] = request.query.witness.split(':') as [string, string];
    const link = await readChainLink(db, seq);
    const witnessMatches = link?.hash === hash;
    return { ok: ok && witnessMatches, checked, firstBrokenPosition, full, chainLength: lastSeq, witnessMatches };
  });

  routes.get('/v1/audit/chain-head', {
    onRequest: auditors,
    schema: {
      operationId: 'getChainHead',
      tags: ['audit'],
      summary: 'The latest link of the hash chain, for each ministry to record outside this database (auditors)',
      description: 'Give it back later as `GET /v1/audit/integrity?witness=<seq>:<hash>`: a chain rewritten after it was recorded no longer contains it.',
      response: {
        200: z.object({ seq: z.string(), position: z.string(), hash: z.string(), witness: z.string().describe('`<seq>:<hash>`') }),
        ...problems(401, 403, 404),
      },
    },
  }, async (request) => {
    const head = await readChainHead(request.server.database.db);
    if (!head) throw new Problem('not_found', 'The chain is empty: nothing has been chained yet');
    return { ...head, witness: `${head.seq}:${head.hash}` };
  });

  routes.get('/v1/audit/access-log', {
    onRequest: auditors,
    schema: {
      operationId: 'listAccessLog',
      tags: ['audit'],
      summary: 'Who read which case’s personal data, and when (auditors; Art. 9 of the 2016 agreement)',
      querystring: z.strictObject({
        caseId: caseId.optional(),
        after: z.string().regex(/^\d{1,19}$/).refine(withinInt8, 'beyond int8').optional().describe('The nextAfter of the previous page'),
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
  }, async (request) => {
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
  });
}
