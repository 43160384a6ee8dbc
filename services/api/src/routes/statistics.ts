import { caseKinds, parties, refusalGrounds } from '@cco/domain';
import { countDeportations, countRefusals, measureDurations, utcDays } from '@cco/projections';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../errors';
import { requireRoles } from '../plugins/auth';
import { isoDate, problems } from '../schemas/common';

// Figures only, from the statistics projection's fact table: no personal data, so analysts
// read them, as do auditors, officers and supervisors.
export const statisticsReaders = requireRoles('analyst', 'auditor', 'officer', 'supervisor');

export const windowQuery = {
  from: isoDate.describe('First UTC day counted (inclusive)'),
  to: isoDate.describe('Last UTC day counted (inclusive)'),
};
const counted = z.object({
  from: z.string(),
  to: z.string(),
  total: z.number().int(),
  groups: z.array(z.object({ key: z.string(), count: z.number().int() })),
});

/** The query's window of UTC days; from after to is a 400 like any other bad query. */
export function windowOf(query: { from: string; to: string }) {
  try {
    return utcDays(query.from, query.to);
  } catch (error) {
    const message = (error as Error).message;
    throw new Problem('validation', message, { errors: [{ path: 'querystring.to', message }] });
  }
}

export async function statisticsRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/v1/statistics/deportations',
    {
      onRequest: statisticsReaders,
      schema: {
        operationId: 'getDeportationStatistics',
        tags: ['statistics'],
        summary: 'Completed deportations, by the UTC date of the completion’s occurredAt, both ends inclusive',
        description: 'groupBy=offence groups by the principal (first listed) offence, so groups add up to the total.',
        querystring: z.strictObject({
          ...windowQuery,
          groupBy: z.enum(['year', 'month', 'offence']).optional(),
          requestingParty: z.enum(parties).optional().describe('Only deportations this party asked for'),
        }),
        response: { 200: counted, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const window = windowOf(request.query);
      const { groupBy, requestingParty } = request.query;
      return {
        from: window.from,
        to: window.to,
        ...(await countDeportations(request.server.database.db, window, { groupBy, requestingParty })),
      };
    },
  );

  routes.get(
    '/v1/statistics/durations',
    {
      onRequest: statisticsReaders,
      schema: {
        operationId: 'getDurationStatistics',
        tags: ['statistics'],
        summary: 'Days from filing to handover (median, 90th percentile) of the cases handed over in the window',
        querystring: z.strictObject({ ...windowQuery, kind: z.enum(caseKinds).optional() }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            kind: z.enum(caseKinds).nullable(),
            count: z.number().int(),
            medianDays: z.number().nullable(),
            p90Days: z.number().nullable(),
          }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const window = windowOf(request.query);
      const kind = request.query.kind ?? null;
      return {
        from: window.from,
        to: window.to,
        kind,
        ...(await measureDurations(request.server.database.db, window, request.query.kind)),
      };
    },
  );

  routes.get(
    '/v1/statistics/refusals',
    {
      onRequest: statisticsReaders,
      schema: {
        operationId: 'getRefusalStatistics',
        tags: ['statistics'],
        summary: 'Refusals by ground, by the UTC date of the refusal, both ends inclusive',
        querystring: z.strictObject({
          ...windowQuery,
          kind: z.enum(caseKinds).optional(),
          requestedParty: z.enum(parties).optional().describe('The refusing party'),
        }),
        response: {
          200: counted.extend({ groups: z.array(z.object({ key: z.enum(refusalGrounds), count: z.number().int() })) }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const window = windowOf(request.query);
      const { kind, requestedParty } = request.query;
      const count = await countRefusals(request.server.database.db, window, { kind, requestedParty });
      return {
        from: window.from,
        to: window.to,
        total: count.total,
        groups: count.groups as { key: (typeof refusalGrounds)[number]; count: number }[],
      };
    },
  );
}
