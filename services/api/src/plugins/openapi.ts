import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { problemSchema } from '../schemas/common';

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

/**
 * Problems any route can answer without declaring them, added to the document where they can
 * really happen: 429 everywhere (the rate limit is one root hook, plugins/limits.ts), 503 on
 * every /v1 route (each reads or writes PostgreSQL), 413 and 415 on every route with a body
 * (bodyLimit in app.ts, Fastify's JSON-only content-type parser).
 */
function withCommonProblems(input: TransformInput): TransformInput {
  const schema = input.schema as (TransformInput['schema'] & { body?: unknown; response?: Record<string, unknown> }) | undefined;
  if (!schema || schema.hide) return input;
  const common: Record<number, typeof problemSchema> = { 429: problemSchema };
  if (input.url.startsWith('/v1/')) common[503] = problemSchema;
  if (schema.body) Object.assign(common, { 413: problemSchema, 415: problemSchema });
  return { ...input, schema: { ...schema, response: { ...common, ...schema.response } } as TransformInput['schema'] };
}

/**
 * Operations whose 200 is not JSON: the zod provider describes every response as
 * application/json, so the document is told the media type these really send.
 */
const textAnswers: Record<string, string> = { getCheckpoint: 'text/plain' };

type Operation = { operationId?: string; responses?: Record<string, { content?: Record<string, unknown> }> };

function withTextAnswers<T extends { paths?: Record<string, Record<string, Operation>> }>(document: T): T {
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item)) {
      const type = operation.operationId && textAnswers[operation.operationId];
      const ok = operation.responses?.['200'];
      if (type && ok?.content?.['application/json']) ok.content = { [type]: ok.content['application/json'] };
    }
  }
  return document;
}

/** The OpenAPI document is generated from the routes' zod schemas; openapi/ is its committed copy. */
export const openapiPlugin = fp(async function openapi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'China–Cambodia law enforcement cooperation office',
        description:
          'Event-sourced case service for deportations, extraditions and repatriations of trafficking victims. ' +
          'Every operation has a stable `operationId` for client generators; packages/client is the typed client generated from this document.',
        version: '1.0.0',
      },
      // A relative URL: the service that served this document (GET /openapi.json). Each
      // ministry's deployment has its own host, so no absolute production URL belongs here.
      servers: [
        { url: '/', description: 'The service that serves this document' },
        { url: 'http://127.0.0.1:3000', description: 'Development: `npm start` on this machine' },
      ],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'A JWT of the caller’s ministry with claims `sub`, `party` (KH or CN) and `roles` (officer, supervisor, auditor, analyst)',
          },
        },
      },
      security: [{ bearer: [] }],
      tags: [
        { name: 'commands', description: 'Each appends one event to a case; officers and supervisors (erasure confirmation: auditors)' },
        { name: 'cases', description: 'Reads of cases and their events; personal data, so never analysts' },
        {
          name: 'statistics',
          description: 'Figures from the statistics projection; no personal data (analysts, auditors, officers, supervisors)',
        },
        {
          name: 'audit',
          description:
            'Auditors: the global log, its integrity, the transparency log (checkpoints, proofs, cosignatures), the access log, projection rebuilds',
        },
        { name: 'operations', description: 'Health, metrics, documentation' },
      ],
    },
    transform: (input) => jsonSchemaTransform(withCommonProblems(input)),
    transformObject: (documents) => withTextAnswers((documents as { openapiObject: Parameters<typeof withTextAnswers>[0] }).openapiObject),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
});
