import { caseEventTypes, parties, type CaseEventType } from '@cco/domain';
import { z } from 'zod';
import { analyticsAllowList } from './analyticsAllowList';
import { eventIdHeader, eventTypeHeader } from './topics';

// The messages the relay sends, as zod schemas: the relay's mapping is typed by them, the
// analytics topic's value is checked against them before it is sent, and openapi/asyncapi.json
// is generated from them (scripts/asyncapi.ts).

const position = z
  .string()
  .regex(/^\d{1,19}$/)
  .describe('Place in the global log (int8 as a decimal string)');

/** Key of both topics: the case id, so every event of a case lands on one partition, in order. */
export const messageKeySchema = z.uuid().describe('The case id (streamId)');

/** Headers of both topics: route and deduplicate without parsing the value. */
export const messageHeadersSchema = z
  .strictObject({
    [eventTypeHeader]: z.enum(caseEventTypes).describe('The event type'),
    [eventIdHeader]: z.uuid().describe('The event id; delivery is at least once, so consumers drop a repeated id'),
  })
  .describe('Kafka headers (UTF-8 strings)');

/** cooperation.events.v1: the event as read, as the API's GET /v1/events gives it. */
export const eventAsReadSchema = z
  .strictObject({
    id: z.uuid(),
    streamId: z.uuid().describe('The case id'),
    type: z.string().describe(`The event type: ${caseEventTypes.join(', ')}`),
    version: z.number().int().min(1).describe('Position in the case’s stream, from 1'),
    position,
    schemaVersion: z.number().int().min(1).describe('Version of this type’s data layout'),
    occurredAt: z.iso.datetime().describe('Business time'),
    recordedAt: z.iso.datetime().describe('When the service recorded it'),
    data: z.record(z.string(), z.unknown()).describe('The event’s data as the log stores it: personal data sealed, never in clear'),
    metadata: z.strictObject({
      actor: z.string().describe('The officer (party and subject of the token)'),
      party: z.enum(parties),
      correlationId: z.string(),
      causationId: z.string().nullable(),
    }),
  })
  .describe('An event as read (the API’s event)');

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The data schema an allow-list implies: exactly its leaves, each optional, nothing else. */
function dataSchemaOf(paths: readonly string[]): z.ZodType {
  const tree = new Map<string, string[]>();
  for (const path of paths) {
    const [head, ...rest] = path.split('.');
    tree.set(head!, [...(tree.get(head!) ?? []), ...(rest.length ? [rest.join('.')] : [])]);
  }
  const shape: Record<string, z.ZodType> = {};
  for (const [head, inner] of tree) {
    const name = head.replace(/\[\]$/, '');
    const leaf = inner.length === 0 ? scalar : dataSchemaOf(inner);
    shape[name] = (head.endsWith('[]') ? z.array(leaf) : leaf).optional();
  }
  return z.strictObject(shape);
}

const analyticsOf = (type: CaseEventType) =>
  z.strictObject({
    id: z.uuid(),
    streamId: z.uuid().describe('The case id: a random UUID analysts cannot resolve'),
    type: z.literal(type),
    version: z.number().int().min(1),
    position,
    schemaVersion: z.number().int().min(1),
    occurredAt: z.iso.datetime(),
    recordedAt: z.iso.datetime(),
    metadata: z.strictObject({ party: z.enum(parties).describe('The acting party (never the officer)') }),
    data: dataSchemaOf(analyticsAllowList[type].map((path) => path.replace(/^data\./, ''))).describe(
      `${type}: only its allow-listed fields`,
    ),
  });

/**
 * cooperation.analytics.v1: the event reduced to its type's allow-list (analyticsAllowList.ts).
 * Strict objects: a field the allow-list does not name fails the check, so no personal data.
 */
export const analyticsMessageSchema = z
  .discriminatedUnion(
    'type',
    caseEventTypes.map((type) => analyticsOf(type)) as unknown as [ReturnType<typeof analyticsOf>, ...ReturnType<typeof analyticsOf>[]],
  )
  .describe('An event without personal data, for analytics');

/** cooperation.checkpoints.v1: each signed checkpoint of the transparency log; no event content. */
export const checkpointMessageSchema = z
  .strictObject({
    origin: z.string().min(1).describe('The log’s origin line (the checkpoint key’s name)'),
    treeSize: z.number().int().min(0).describe('Leaves (events) the checkpoint covers'),
    rootHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe('RFC 9162 root hash, lowercase hex'),
    note: z.string().describe('The C2SP signed note: tlog-checkpoint body and its Ed25519 signature lines'),
    issuedAt: z.iso.datetime(),
  })
  .describe('A signed checkpoint of the transparency log');

/** The checkpoints topic's key (the origin) and header. */
export const checkpointKeySchema = z.string().min(1).describe('The log’s origin: one key, one partition, in tree-size order');
export const checkpointHeadersSchema = z.object({ 'tree-size': z.string().regex(/^\d+$/).describe('The tree size, as in the value') });
