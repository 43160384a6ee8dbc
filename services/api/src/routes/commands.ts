import type { Actor } from '@cco/domain';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { answerOnce, type CommandIntent, type CommandOutcome, type CommandRefusal } from '../idempotency/answerOnce';
import { domainProblem, Problem } from '../errors';
import { requestHash } from '../idempotency/idempotency';
import { requireRoles } from '../plugins/auth';
import { caseBody, caseSchema } from '../schemas/case';
import {
  completionBody,
  erasureConfirmationBody,
  erasureRequestBody,
  fileRequestBody,
  handoverBody,
  refusalBody,
  verificationBody,
  withdrawalBody,
} from '@cco/cases';
import { caseIdParams, idempotencyKeyHeader, ifMatchHeader, problems } from '../schemas/common';

const commandHeaders = z.looseObject({ 'if-match': ifMatchHeader, 'idempotency-key': idempotencyKeyHeader });
const writers = requireRoles('officer', 'supervisor');

/** The commands on an existing case: same shape, different body, command type and roles. */
const actions = [
  {
    path: 'identity-verification',
    operationId: 'verifyIdentity',
    type: 'VerifyIdentity',
    body: verificationBody,
    by: writers,
    summary: 'The requested party confirms nationality and identity (IdentityVerified)',
  },
  {
    path: 'handover',
    operationId: 'handOverPerson',
    type: 'HandOver',
    body: handoverBody,
    by: writers,
    summary: 'The requested party hands the person over (SuspectHandedOver)',
  },
  {
    path: 'completion',
    operationId: 'completeCase',
    type: 'Complete',
    body: completionBody,
    by: writers,
    summary: 'The requesting party confirms arrival (the kind’s Completed event)',
  },
  {
    path: 'refusal',
    operationId: 'refuseCase',
    type: 'Refuse',
    body: refusalBody,
    by: writers,
    summary: 'A supervisor of the requested party refuses, with ground and reason (RequestRefused)',
  },
  {
    path: 'withdrawal',
    operationId: 'withdrawCase',
    type: 'Withdraw',
    body: withdrawalBody,
    by: writers,
    summary: 'The requesting party withdraws the request (RequestWithdrawn)',
  },
  {
    path: 'erasure-request',
    operationId: 'requestErasure',
    type: 'RequestErasure',
    body: erasureRequestBody,
    by: writers,
    summary: 'Victims: a supervisor of the providing party asks to erase the subject’s personal data (ErasureRequested)',
  },
  {
    path: 'erasure-confirmation',
    operationId: 'confirmErasure',
    type: 'ConfirmErasure',
    body: erasureConfirmationBody,
    by: requireRoles('auditor'),
    summary: 'Victims: an auditor confirms the erasure; the subject’s key is destroyed (PersonalDataErased)',
  },
] as const;

export async function commandRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.post(
    '/v1/cases',
    {
      onRequest: writers,
      schema: {
        operationId: 'fileCase',
        tags: ['commands'],
        summary: 'File a request (RequestFiled); the caller’s party becomes the requesting party',
        headers: z.looseObject({ 'idempotency-key': idempotencyKeyHeader }),
        body: fileRequestBody,
        response: { 201: caseSchema, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const { occurredAt, ...data } = request.body;
      const caseId = randomUUID();
      const done = succeeded(
        await answerOnce(request.server, {
          caseId,
          actor: request.actor,
          creates: true,
          command: { type: 'FileRequest', caseId, data } as CommandIntent,
          occurredAt: occurredAt ? new Date(occurredAt) : undefined,
          correlationId: request.id,
          idempotency: claim(request, request.headers['idempotency-key']),
        }),
      );
      // A replayed filing answers with the case its key remembers, not the id made up above.
      return reply
        .code(201)
        .headers({ etag: etagOf(done.version), location: `/v1/cases/${done.caseId}` })
        .send(caseBody(done.caseId, done.events));
    },
  );

  for (const action of actions) {
    routes.post(
      `/v1/cases/:id/${action.path}`,
      {
        onRequest: action.by,
        schema: {
          operationId: action.operationId,
          tags: ['commands'],
          summary: action.summary,
          params: caseIdParams,
          headers: commandHeaders,
          body: action.body as z.ZodType<{ occurredAt?: string | undefined }>,
          response: { 200: caseSchema, ...problems(400, 401, 403, 404, 409, 412, 422) },
        },
      },
      async (request, reply) => {
        const { occurredAt, ...data } = request.body;
        const caseId = request.params.id;
        const done = succeeded(
          await answerOnce(request.server, {
            caseId,
            actor: request.actor,
            creates: false,
            expectedVersions: parseIfMatch(request.headers['if-match']),
            command: { type: action.type, data } as CommandIntent,
            occurredAt: occurredAt ? new Date(occurredAt) : undefined,
            correlationId: request.id,
            idempotency: claim(request, request.headers['idempotency-key']),
          }),
        );
        return reply
          .code(200)
          .headers({ etag: etagOf(done.version) })
          .send(caseBody(done.caseId, done.events));
      },
    );
  }
}

/** The case's version as a strong entity tag (what If-Match names). */
const etagOf = (version: number) => `"${version}"`;

/** The case a command left, or its refusal thrown as the problem it answers with. */
function succeeded(outcome: CommandOutcome): Extract<CommandOutcome, { kind: 'done' }> {
  if (outcome.kind === 'done') return outcome;
  throw commandProblem(outcome);
}

/** Each refusal of a command, mapped to its problem once. */
export function commandProblem(refusal: CommandRefusal): Problem {
  switch (refusal.kind) {
    case 'not_found':
      return new Problem('not_found', `No case ${refusal.caseId}`);
    case 'version_mismatch': {
      const wanted =
        refusal.expected.length > 0
          ? `not ${refusal.expected.join(' or ')}`
          : 'and If-Match names no version of it (a weak tag never matches)';
      return new Problem('precondition_failed', `The case is at version ${refusal.version}, ${wanted}`);
    }
    case 'moved':
      return new Problem('precondition_failed', `The case moved to version ${refusal.actual} while this command was decided`);
    case 'rejected':
      return domainProblem(refusal.error);
    case 'exists':
      return new Problem('invalid_state', `Case ${refusal.caseId} already exists`, { rule: 'lifecycle' });
    case 'contended':
      return new Problem('invalid_state', 'The case is changing too fast; try again', { rule: 'concurrency' });
    case 'key_reused':
      return new Problem('idempotency_key_reused', 'This Idempotency-Key was already used with a different request');
  }
}

function claim(request: FastifyRequest, key: string | undefined) {
  if (!key) return undefined;
  const actor: Actor = request.actor;
  return {
    principal: `${actor.party}:${actor.id}`,
    key,
    requestHash: requestHash(request.method, request.url.split('?')[0]!, request.body),
  };
}

/**
 * If-Match as RFC 9110 §13.1.1 says: `*` matches any current case (undefined: no condition);
 * otherwise a list of entity tags, compared strongly, so a weak tag (`W/"3"`) never matches,
 * and the condition holds if any member matches the case's version. Returns the versions that
 * match; an empty list (nothing in the header can match) answers 412 once the case is found,
 * since a precondition is evaluated only where the request would otherwise succeed. A bare
 * `3` is taken as `"3"`, as earlier versions of this service documented.
 */
export function parseIfMatch(header: string | undefined): number[] | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const versions: number[] = [];
  for (const member of header.split(',')) {
    const tag = /^\s*(W\/)?("?)(\d{1,9})\2\s*$/.exec(member);
    if (tag && !tag[1]) versions.push(Number(tag[3]));
  }
  return versions;
}
