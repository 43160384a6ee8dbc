import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { Problem, type ProblemKind } from '../errors';

/** Fastify's own client errors, by code, mapped to the registry. */
const fastifyCodes: Record<string, ProblemKind> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'validation',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_VALIDATION: 'validation',
};

const byStatus: Record<number, ProblemKind> = {
  400: 'validation',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
};

/** Every error leaves as application/problem+json; only our own faults are 500s. */
export const problemsPlugin = fp(async function problems(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | Problem, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ problem: problem.kind, code: (error as FastifyError).code }, 'request rejected');
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
    return reply
      .code(problem.status)
      .type('application/problem+json')
      .send(problem.toDetails(request.url.split('?')[0]));
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/problem+json')
      .send(new Problem('not_found', `No route ${request.method} ${request.url.split('?')[0]}`).toDetails()),
  );
});

export function toProblem(error: FastifyError | Problem): Problem {
  if (error instanceof Problem) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    return new Problem('validation', `The ${where} does not match the schema`, {
      errors: error.validation.map((v) => ({
        path: `${where}${v.instancePath.replaceAll('/', '.')}`.replace(/\.$/, ''),
        message: v.message ?? 'invalid',
      })),
    });
  }
  const kind = (error.code && fastifyCodes[error.code]) || (error.statusCode && byStatus[error.statusCode]);
  if (kind) return new Problem(kind, error.message, kind === 'validation' ? { errors: [{ path: 'body', message: error.message }] } : {});
  if (error.code?.startsWith('FST_JWT_')) return new Problem('unauthorized', error.message);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new Problem('validation', error.message, { errors: [] });
  return new Problem('internal', 'An unexpected error occurred; it has been logged');
}
