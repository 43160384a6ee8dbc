import { readCaseEvents } from '@cco/cases';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAccess } from '../accessLog/recordAccess';
import { Problem } from '../errors';
import { requireRoles } from '../plugins/auth';
import { caseBody, caseSchema } from '../schemas/case';
import { caseIdParams, isoDateTime, problems } from '../schemas/common';
import { eventSchema, toEventBody } from '../schemas/event';

// Cases carry personal data: officers and supervisors of the two parties and auditors read
// them; analysts never do.
const readers = requireRoles('officer', 'supervisor', 'auditor');

export async function caseRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/v1/cases/:id',
    {
      onRequest: readers,
      schema: {
        operationId: 'getCase',
        tags: ['cases'],
        summary: 'A case, folded from its events; ?asOf (auditors) gives it as recorded at that moment',
        params: caseIdParams,
        querystring: z.strictObject({ asOf: isoDateTime.optional() }),
        response: { 200: caseSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { asOf } = request.query;
      if (asOf && !request.actor.roles.includes('auditor')) throw new Problem('forbidden', 'asOf views are for auditors');
      const { database, personalDataKey } = request.server;
      const events = await readCaseEvents(
        database.db,
        personalDataKey,
        request.params.id,
        asOf ? { recordedAtOrBefore: new Date(asOf) } : {},
      );
      if (events.length === 0)
        throw new Problem('not_found', asOf ? `No case ${request.params.id} was recorded by ${asOf}` : `No case ${request.params.id}`);
      // A HEAD answer carries no body: nothing was read out, nothing to record.
      if (request.method !== 'HEAD')
        await recordAccess(request.server.database.db, request.actor, [request.params.id], asOf ? 'case-as-of' : 'case', request.id);
      return reply.header('etag', `"${events.length}"`).send(caseBody(request.params.id, events));
    },
  );

  routes.get(
    '/v1/cases/:id/events',
    {
      onRequest: readers,
      schema: {
        operationId: 'listCaseEvents',
        tags: ['cases'],
        summary: 'A case’s events in stream order',
        params: caseIdParams,
        response: { 200: z.object({ items: z.array(eventSchema) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const events = await readCaseEvents(request.server.database.db, request.server.personalDataKey, request.params.id);
      if (events.length === 0) throw new Problem('not_found', `No case ${request.params.id}`);
      // A HEAD answer carries no body: nothing was read out, nothing to record.
      if (request.method !== 'HEAD')
        await recordAccess(request.server.database.db, request.actor, [request.params.id], 'case-events', request.id);
      return { items: events.map(toEventBody) };
    },
  );
}
