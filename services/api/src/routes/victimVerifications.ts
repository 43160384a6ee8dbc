import { parties } from '@cco/domain';
import { countVictimVerifications, listOverdueVerifications } from '@cco/projections';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problems } from '../schemas/common';
import { statisticsReaders, windowOf, windowQuery } from './statistics';

const DAY_MS = 86_400_000;

// Art. 5 of the 2016 agreement: the requested party verifies a victim within 30 days.
export async function victimVerificationRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/v1/statistics/victim-verifications',
    {
      onRequest: statisticsReaders,
      schema: {
        operationId: 'getVictimVerificationStatistics',
        tags: ['statistics'],
        summary: 'Victim verifications done in the window: within the 30 days, or late',
        querystring: z.strictObject({
          ...windowQuery,
          requestedParty: z.enum(parties).optional().describe('The verifying party'),
        }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            requestedParty: z.enum(parties).nullable(),
            total: z.number().int(),
            withinDeadline: z.number().int(),
            late: z.number().int(),
          }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const window = windowOf(request.query);
      const { requestedParty } = request.query;
      const counts = await countVictimVerifications(request.server.database.db, window, requestedParty);
      return { from: window.from, to: window.to, requestedParty: requestedParty ?? null, ...counts };
    },
  );

  routes.get(
    '/v1/statistics/victim-verifications/overdue',
    {
      onRequest: statisticsReaders,
      schema: {
        operationId: 'listOverdueVictimVerifications',
        tags: ['statistics'],
        summary: 'Victim verifications the requested party has not done past their 30-day due date, as of now',
        description: 'Case ids and dates only (the oldest due first); count is all of them, items at most `limit`.',
        querystring: z.strictObject({
          requestedParty: z.enum(parties).describe('The party that owes the verification'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: {
          200: z.object({
            requestedParty: z.enum(parties),
            asOf: z.string(),
            count: z.number().int(),
            items: z.array(
              z.object({ caseId: z.string(), filedAt: z.string(), verificationDueBy: z.string(), daysOverdue: z.number().int() }),
            ),
          }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const now = new Date();
      const { requestedParty, limit } = request.query;
      const overdue = await listOverdueVerifications(request.server.database.db, requestedParty, now, limit);
      return {
        requestedParty,
        asOf: now.toISOString(),
        count: overdue.count,
        items: overdue.items.map((o) => ({
          caseId: o.caseId,
          filedAt: o.filedAt.toISOString(),
          verificationDueBy: o.verificationDueBy.toISOString(),
          daysOverdue: Math.floor((now.getTime() - o.verificationDueBy.getTime()) / DAY_MS),
        })),
      };
    },
  );
}
