import { openEvents } from '@cco/cases';
import { logPositionOf, logStart, readAll, type LogPosition } from '@cco/event-store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAccess } from '../accessLog/recordAccess';
import { Problem } from '../errors';
import { requireRoles } from '../plugins/auth';
import { problems, withinInt8 } from '../schemas/common';
import { eventSchema, toEventBody } from '../schemas/event';

/** Cursor: `<transaction id>.<position>`, the reader's place in commit-safe order. */
const cursorOf = (at: LogPosition) => `${at.transactionId}.${at.position}`;

export async function logRoutes(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/events',
    {
      onRequest: requireRoles('auditor'),
      schema: {
        operationId: 'listEvents',
        tags: ['audit'],
        summary: 'The global log in commit-safe order (auditors)',
        description:
          '`after` is the `nextAfter` of the previous page, or an event’s `position` to resume after that event. ' +
          'Only committed transactions older than every running one are returned, so no event can later appear behind a cursor.',
        querystring: z.strictObject({
          after: z
            .string()
            .regex(/^(\d{1,19}\.\d{1,19}|\d{1,19})$/, 'a nextAfter cursor or an event position')
            .refine((s) => withinInt8(s.split('.').pop()!), 'the position is beyond int8')
            .optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ items: z.array(eventSchema), nextAfter: z.string() }), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const db = request.server.database.db;
      const { after, limit } = request.query;
      let from: LogPosition = logStart;
      if (after?.includes('.')) {
        const [transactionId, position] = after.split('.') as [string, string];
        from = { transactionId, position };
      } else if (after) {
        const found = await logPositionOf(db, after);
        if (!found)
          throw new Problem('validation', `No event has position ${after}`, {
            errors: [{ path: 'querystring.after', message: 'unknown position' }],
          });
        from = found;
      }
      const { events, last } = await readAll(db, from, limit);
      // A HEAD answer carries no body: nothing was read out, nothing to record.
      if (request.method !== 'HEAD')
        await recordAccess(
          db,
          request.actor,
          events.map((e) => e.streamId),
          'global-log',
          request.id,
        );
      const opened = await openEvents(db, request.server.personalDataKey, events);
      return { items: opened.map(toEventBody), nextAfter: cursorOf(last) };
    },
  );
}
