import { verifyChain } from '@cco/event-store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRoles } from '../plugins/auth';
import { problems } from '../schemas/common';

export async function auditRoutes(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().get('/v1/audit/integrity', {
    onRequest: requireRoles('auditor'),
    schema: {
      tags: ['audit'],
      summary: 'Re-derives the hash chain from the stored events (auditors)',
      response: {
        200: z.object({ ok: z.boolean(), checked: z.number().int(), firstBrokenPosition: z.string().nullable() }),
        ...problems(401, 403),
      },
    },
  }, async (request) => {
    const { ok, checked, firstBrokenPosition } = await verifyChain(request.server.database.db);
    return { ok, checked, firstBrokenPosition };
  });
}
