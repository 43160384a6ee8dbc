import { findProjection, projections, rebuildProjection, RebuildSuperseded } from '@cco/projections';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../errors';
import { requireRoles } from '../plugins/auth';
import { problems } from '../schemas/common';

const names = projections.map((p) => p.name).join(', ');

const comparisonSchema = z.object({
  table: z.string(),
  liveRows: z.number().int(),
  rebuiltRows: z.number().int(),
  onlyInLive: z.number().int(),
  onlyInRebuilt: z.number().int(),
});

const reportSchema = z.object({
  projection: z.string(),
  equal: z.boolean().describe('The rebuilt rows (and counters) are exactly the live ones at the same log position'),
  at: z.string().describe('`<transaction id>.<position>` where both were compared'),
  eventsReplayed: z.number().int(),
  durationMs: z.number().int(),
  comparison: comparisonSchema.describe('The rows'),
  counters: comparisonSchema.optional().describe('The counters kept beside the rows (statistics)'),
});

export async function projectionRoutes(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/projections/:name/rebuild',
    {
      onRequest: requireRoles('auditor'),
      schema: {
        operationId: 'rebuildProjection',
        tags: ['audit'],
        summary: 'Rebuilds a read model from position zero aside, swaps it in, and says whether it equals the live one (auditors)',
        description:
          `Projections: ${names}. The live model keeps serving while the log is replayed into a shadow table; ` +
          'then, in one transaction, both are brought to the same position, compared row for row and swapped. ' +
          'The rebuilt model replaces the live one even when they differ (the log is the truth).',
        params: z.strictObject({ name: z.string().max(100) }),
        response: { 200: reportSchema, ...problems(401, 403, 404, 503) },
      },
    },
    async (request) => {
      const projection = findProjection(request.params.name);
      if (!projection) throw new Problem('not_found', `No projection ${request.params.name}; there are: ${names}`);
      try {
        const report = await rebuildProjection(request.server.database.db, projection);
        request.log.info(
          { projection: report.projection, equal: report.equal, eventsReplayed: report.eventsReplayed },
          'projection rebuilt',
        );
        return { ...report, at: `${report.at.transactionId}.${report.at.position}` };
      } catch (error) {
        if (error instanceof RebuildSuperseded) throw new Problem('unavailable', error.message);
        throw error;
      }
    },
  );
}
