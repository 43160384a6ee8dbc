import fastifyJwt from '@fastify/jwt';
import { parties, roles, type Actor, type Role } from '@cco/domain';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { Problem } from '../errors';
import { text } from '../schemas/common';
import { verifiedEarlier } from './verifiedTokens';

export interface AuthOptions {
  secret: string;
  issuer: string;
}

/** The claims CONTRACT.md defines; anything else in the token is ignored. */
const claimsSchema = z.object({
  // The subject becomes the events' actor and the idempotency keys' owner: text PostgreSQL can
  // store (no NUL, no lone surrogate) and no control characters.
  sub: text(200),
  party: z.enum(parties),
  roles: z.array(z.enum(roles)).min(1),
});

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireRoles`: who is calling, as the domain sees an actor. */
    actor: Actor;
  }
}

/**
 * Bearer JWT, HS256 only (no `none`, no algorithm confusion), issuer checked, expiry and
 * not-before honoured. 401 when the token is missing or bad; 403 when a valid token lacks the
 * role (party rules are the domain's, per case).
 */
export const authPlugin = fp(async function auth(app: FastifyInstance, options: AuthOptions) {
  await app.register(fastifyJwt, {
    secret: options.secret,
    // Every token expires: a leaked one must not work forever.
    sign: { algorithm: 'HS256', iss: options.issuer, expiresIn: '8h' },
    // allowedIss alone lets a token without `iss` through: the claim is required as well.
    verify: { algorithms: ['HS256'], allowedIss: options.issuer, requiredClaims: ['iss', 'exp'] },
  });
  app.decorateRequest('actor', null as unknown as Actor);
});

export async function authenticate(request: FastifyRequest): Promise<Actor> {
  if (!request.headers.authorization) throw new Problem('unauthorized', 'An Authorization: Bearer <JWT> header is required');
  // Verified already by the rate limiter (same header): not checked twice.
  let payload: unknown = verifiedEarlier(request, request.headers.authorization);
  if (payload === undefined) {
    try {
      payload = await request.jwtVerify();
    } catch (error) {
      throw new Problem('unauthorized', `The bearer token was rejected: ${(error as Error).message}`);
    }
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new Problem('unauthorized', 'The bearer token lacks valid sub, party or roles claims');
  return { id: claims.data.sub, party: claims.data.party, roles: [...new Set(claims.data.roles)] };
}

/** A preHandler: authenticates, then requires one of `allowed`. */
export function requireRoles(...allowed: Role[]): preHandlerAsyncHookHandler {
  return async (request) => {
    const actor = await authenticate(request);
    if (!actor.roles.some((r) => allowed.includes(r))) {
      throw new Problem('forbidden', `This needs one of the roles: ${allowed.join(', ')}`);
    }
    request.actor = actor;
  };
}
