import { verifyChainIncrementally } from '@cco/event-store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRoles } from '../plugins/auth';
import { problems, withinInt8 } from '../schemas/common';

const auditors = requireRoles('auditor');

export async function auditRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get('/v1/audit/integrity', {
    onRequest: auditors,
    schema: {
      tags: ['audit'],
      summary: 'Re-derives the hash chain from the stored events (auditors)',
      description:
        'Incremental by default: verifies the links added since the last successful check and their attachment to it. ' +
        '`full=true` re-verifies the whole chain from the genesis (finds an event altered after it was last checked).',
      querystring: z.strictObject({ full: z.enum(['true', 'false']).default('false') }),
      response: {
        200: z.object({
          ok: z.boolean(),
          checked: z.number().int().describe('Links verified by this call'),
          firstBrokenPosition: z.string().nullable(),
          full: z.boolean(),
          chainLength: z.string().describe('Links in the verified chain, when ok'),
        }),
        ...problems(400, 401, 403),
      },
    },
  }, async (request) => {
    const full = request.query.full === 'true';
    const { ok, checked, firstBrokenPosition, lastSeq } = await verifyChainIncrementally(request.server.database.db, { full });
    return { ok, checked, firstBrokenPosition, full, chainLength: lastSeq };
  });

  routes.get('/v1/audit/access-log', {
    onRequest: auditors,
    schema: {
      tags: ['audit'],
      summary: 'Who read which case’s personal data, and when (auditors; Art. 9 of the 2016 agreement)',
      querystring: z.strictObject({
        caseId: z.uuid().optional(),
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
        resource: r.resource,
        correlationId: r.correlation_id,
        accessedAt: r.accessed_at.toISOString(),
      })),
      nextAfter: rows.length === limit ? String(rows[rows.length - 1]!.id) : null,
    };
  });
}
