import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  analyticsMessageSchema,
  checkpointHeadersSchema,
  checkpointKeySchema,
  checkpointMessageSchema,
  eventAsReadSchema,
  messageHeadersSchema,
  messageKeySchema,
} from '../src/messageSchemas';
import { analyticsTopic, checkpointsTopic, eventsTopic } from '../src/topics';

// `npm run asyncapi`: writes openapi/asyncapi.json (AsyncAPI 3.0) from the zod schemas the relay
// uses (src/messageSchemas.ts); a test validates it with @asyncapi/parser and fails when stale.
export const asyncapiPath = fileURLToPath(new URL('../../../openapi/asyncapi.json', import.meta.url));

/** JSON Schema (draft-07, which AsyncAPI schemas extend) without the $schema marker. */
function schemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { target: 'draft-7', io: 'output' }) as Record<string, unknown>;
  return json;
}

const kafkaBinding = { key: schemaOf(messageKeySchema), bindingVersion: '0.5.0' };

export function generateAsyncApi(): string {
  const document = {
    asyncapi: '3.0.0',
    info: {
      title: 'China–Cambodia law enforcement cooperation office: Kafka topics',
      version: '1.0.0',
      description:
        'What the relay publishes from the event log. Delivery is at least once: a consumer drops a repeated `event-id`. ' +
        'Both topics are keyed by case id, so the events of one case keep their order. ' +
        `${eventsTopic} carries every event as the API reads it (personal data sealed); ${analyticsTopic} carries the same events reduced to an allow-list, without personal data; ` +
        `${checkpointsTopic} carries each signed checkpoint of the transparency log, keyed by its origin, in tree-size order (a consumer keeps the first per tree size).`,
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: 'localhost:9092',
        protocol: 'kafka',
        description: 'The brokers named by KAFKA_BROKERS (comma-separated host:port); this host is only an example.',
      },
    },
    channels: {
      events: {
        address: eventsTopic,
        title: 'Every event of the log',
        messages: { event: { $ref: '#/components/messages/event' } },
      },
      analytics: {
        address: analyticsTopic,
        title: 'Events without personal data, for analytics',
        messages: { analyticsEvent: { $ref: '#/components/messages/analyticsEvent' } },
      },
      checkpoints: {
        address: checkpointsTopic,
        title: 'Signed checkpoints of the transparency log',
        messages: { checkpoint: { $ref: '#/components/messages/checkpoint' } },
      },
    },
    operations: {
      publishEvent: {
        action: 'send',
        title: 'The relay publishes each committed event, in commit-safe order',
        channel: { $ref: '#/channels/events' },
        messages: [{ $ref: '#/channels/events/messages/event' }],
      },
      publishAnalyticsEvent: {
        action: 'send',
        title: 'The relay publishes each event of an allow-listed type, reduced to its allow-list',
        channel: { $ref: '#/channels/analytics' },
        messages: [{ $ref: '#/channels/analytics/messages/analyticsEvent' }],
      },
      publishCheckpoint: {
        action: 'send',
        title: 'The service publishes each checkpoint it signs, in tree-size order',
        channel: { $ref: '#/channels/checkpoints' },
        messages: [{ $ref: '#/channels/checkpoints/messages/checkpoint' }],
      },
    },
    components: {
      messages: {
        event: {
          name: 'event',
          title: 'An event as read',
          contentType: 'application/json',
          headers: schemaOf(messageHeadersSchema),
          payload: schemaOf(eventAsReadSchema),
          bindings: { kafka: kafkaBinding },
        },
        analyticsEvent: {
          name: 'analyticsEvent',
          title: 'An event without personal data',
          contentType: 'application/json',
          headers: schemaOf(messageHeadersSchema),
          payload: schemaOf(analyticsMessageSchema),
          bindings: { kafka: kafkaBinding },
        },
        checkpoint: {
          name: 'checkpoint',
          title: 'A signed checkpoint',
          contentType: 'application/json',
          headers: schemaOf(checkpointHeadersSchema),
          payload: schemaOf(checkpointMessageSchema),
          bindings: { kafka: { key: schemaOf(checkpointKeySchema), bindingVersion: '0.5.0' } },
        },
      },
    },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(asyncapiPath, generateAsyncApi());
  console.log(`wrote ${asyncapiPath}`);
}
