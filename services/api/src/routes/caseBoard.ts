import { caseKinds, caseStatuses, offenceCategories, parties, refusalGrounds } from '@cco/domain';
import { InvalidCursor, listCases, type BoardRow } from '@cco/projections';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../errors';
import { requireRoles } from '../plugins/auth';
import { problems } from '../schemas/common';

const at = z.string().nullable();

/** A line of the board: where a case stands, never who it is about (no subject at all). */
const boardItem = z.object({
  id: z.string(),
  kind: z.enum(caseKinds),
  status: z.enum(caseStatuses),
  version: z.number().int().describe('The case’s version, for If-Match'),
  requestingParty: z.enum(parties),
  requestedParty: z.enum(parties),
  offences: z.array(z.enum(offenceCategories)).describe('Categories only'),
  filedAt: z.string(),
  verificationDueBy: at.describe('Victim repatriation: 30 days after the request'),
  verifiedWithinDeadline: z.boolean().nullable(),
  verifiedAt: at,
  handedOverAt: at,
  completedAt: at,
  refusedAt: at,
  refusalGround: z.enum(refusalGrounds).nullable(),
  withdrawnAt: at,
  createdAt: z.string().describe('Record time of the filing'),
  updatedAt: z.string().describe('Record time of the latest event'),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

const toItem = (row: BoardRow): z.infer<typeof boardItem> => ({
  id: row.case_id,
  kind: row.kind,
  status: row.status,
  version: row.version,
  requestingParty: row.requesting_party,
  requestedParty: row.requested_party,
  offences: row.offences,
  filedAt: row.filed_at.toISOString(),
  verificationDueBy: iso(row.verification_due_by),
  verifiedWithinDeadline: row.verified_within_deadline,
  verifiedAt: iso(row.verified_at),
  handedOverAt: iso(row.handed_over_at),
  completedAt: iso(row.completed_at),
  refusedAt: iso(row.refused_at),
  refusalGround: row.refusal_ground,
  withdrawnAt: iso(row.withdrawn_at),
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export async function caseBoardRoutes(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/cases',
    {
      onRequest: requireRoles('officer', 'supervisor', 'auditor'),
      schema: {
        operationId: 'listCases',
        tags: ['cases'],
        summary: 'The case board: cases newest filing first, filtered, in stable pages',
        description:
          'Served from the case-board projection, a moment behind the log (see /health). `party` is the requesting party. ' +
          'Pass `nextCursor` as `cursor` for the next page; pages never repeat or skip a case that stays in the filter.',
        querystring: z.strictObject({
          status: z.enum(caseStatuses).optional(),
          kind: z.enum(caseKinds).optional(),
          party: z.enum(parties).optional().describe('The requesting party'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(500).optional(),
        }),
        response: { 200: z.object({ items: z.array(boardItem), nextCursor: z.string().nullable() }), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      try {
        const page = await listCases(request.server.database.db, request.query);
        return { items: page.items.map(toItem), nextCursor: page.nextCursor };
      } catch (error) {
        if (!(error instanceof InvalidCursor)) throw error;
        throw new Problem('validation', error.message, { errors: [{ path: 'querystring.cursor', message: error.message }] });
      }
    },
  );
}
