import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
  408: 'request_timeout',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  431: 'header_fields_too_large',
  503: 'unavailable',
};

/** Every error leaves as application/problem+json; only our own faults are 500s. */
export const problemsPlugin = fp(async function problems(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | Problem, request, reply) => {
    const problem = toProblem(error);
    if (problem.kind === 'unavailable')
      request.log.warn({ code: (error as FastifyError).code, reason: error.message }, 'database unavailable');
    else if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ problem: problem.kind, code: (error as FastifyError).code }, 'request rejected');
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
    if (problem.status === 503) reply.header('retry-after', '1');
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
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
    return new Problem('validation', error.message, { errors: [] });
  if (isDatabaseUnavailable(error)) return new Problem('unavailable', 'The database is unavailable; retry shortly');
  return new Problem('internal', 'An unexpected error occurred; it has been logged');
}

/** PostgreSQL down, restarting or unreachable: a 503 to retry, not a fault of ours (500). */
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
function isDatabaseUnavailable(error: Error & { code?: unknown }): boolean {
  const code = String(error.code ?? '');
  // SQLSTATE class 08: connection exception; 57P0x: the server is shutting down or starting.
  if (unavailableCodes.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  return /Connection terminated|is not queryable|timeout exceeded when trying to connect/i.test(error.message ?? '');
}

/**
 * What Node's HTTP parser refuses before Fastify has a request (headers or body too slow,
 * headers too large, broken HTTP) leaves as problem+json too, on a socket that is then closed.
 * Fastify's `clientErrorHandler` server option (app.ts).
 */
export function problemClientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [kind, detail]: [ProblemKind, string] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['request_timeout', 'The request did not arrive within the time allowed']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? ['header_fields_too_large', 'The request headers exceed the size allowed']
        : ['validation', 'The request is not valid HTTP'];
  this.log.info({ problem: kind, code: error.code }, 'client error');
  if (socket.writable) {
    const problem = new Problem(kind, detail, kind === 'validation' ? { errors: [] } : {});
    const body = JSON.stringify(problem.toDetails());
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * Errors Fastify's router raises before routing (a URL that is not valid percent-encoded UTF-8,
 * a path parameter over maxParamLength) bypass the error handler; they leave as problem+json
 * too. Fastify's `frameworkErrors` server option (app.ts).
 */
export function problemFrameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const problem = toProblem(error);
  request.log.info({ problem: problem.kind, code: error.code }, 'request rejected');
  return reply.code(problem.status).type('application/problem+json').send(problem.toDetails());
}
