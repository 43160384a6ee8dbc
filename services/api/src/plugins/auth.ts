import { parties, roles, type Actor, type Party, type Role } from '@cco/domain';
import { developmentJwks } from '@cco/dev-auth';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import { z } from 'zod';
import {
  createVerifier,
  PartyKeysUnavailable,
  TokenRejected,
  type VerifiedBearer,
  type VerifierOptions,
  type VerifyBearer,
} from '../auth/verifyBearer';
import { Problem } from '../errors';
import { identifier } from '../schemas/common';
import { bearerToken, verifiedEarlier } from './verifiedTokens';

export interface AuthOptions extends VerifierOptions {
  /** Parties on the development keys: their JWKS is served at /dev/jwks/{party} (never in production). */
  servedDevelopmentJwks?: Party[];
}

/** The claims docs/api.md defines; anything else in the token is ignored. */
const claimsSchema = z.object({
  // The subject becomes the events' actor, the access log's reader and the idempotency keys'
  // owner, and is printed by `npm run audit -- replay`: one line of text PostgreSQL can store (no
  // NUL, no lone surrogate), without any control character (TAB, LF, CR included) or bidi
  // control that could forge or hide a line. The issuer and kid need no such rule: each must
  // equal a configured issuer and a key of its set before a token is accepted.
  sub: identifier(200),
  party: z.enum(parties),
  roles: z.array(z.enum(roles)).min(1),
});

/** An actor as authenticated: who, and which issuer and key vouched for it (accountability). */
export interface Caller extends Actor {
  issuer: string;
  kid: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Verifies a bearer token (without "Bearer "): throws TokenRejected or PartyKeysUnavailable. */
    verifyBearer: VerifyBearer;
    /** Keys (by kid) a party's set lists that the other party's lists too: trusted by neither (/health degraded). */
    contestedKeys?: () => { party: Party; kids: string[] }[];
  }
  interface FastifyRequest {
    /** Set by `requireRoles`: who is calling, as the domain sees an actor, and by which key. */
    actor: Caller;
  }
}

/**
 * Bearer JWTs, each party's verified with that party's own keys (see auth/verifyBearer.ts).
 * 401 when the token is missing or bad; 403 when a valid token lacks the role (party rules are
 * the domain's, per case); 503 when the issuing party's keys cannot be had.
 */
export const authPlugin = fp(
  async function auth(app: FastifyInstance, options: AuthOptions) {
    const fetchFailures = new Counter({
      name: 'cco_auth_jwks_fetch_failures_total',
      help: "Failed fetches of a party's JSON Web Key Set",
      labelNames: ['party', 'cached'],
      registers: [app.metrics],
    });
    const unavailable = new Counter({
      name: 'cco_auth_keys_unavailable_total',
      help: "Requests answered 503 because the issuing party's keys could not be had",
      labelNames: ['party'],
      registers: [app.metrics],
    });
    const verify = createVerifier(options, (party) => ({
      onFetchFailed(reason, cached) {
        fetchFailures.inc({ party, cached: String(cached) });
        app.log.warn({ party, reason, cachedKeysServing: cached }, `the JWKS of ${party} could not be fetched`);
      },
      onKeysRefused(kids) {
        app.log.error({ party, kids }, `the JWKS of ${party} lists a published development key: it is never trusted here`);
      },
      onKeysContested(kids) {
        contested.set(party, kids);
        if (kids.length > 0)
          app.log.error(
            { party, kids },
            `the JWKS of ${party} lists keys the other party's lists too: neither party's tokens signed with them are trusted`,
          );
        else app.log.info({ party }, `the JWKS of ${party} no longer shares keys with the other party's`);
      },
    }));
    const contested = new Map<Party, string[]>();
    app.decorate('contestedKeys', () => [...contested].filter(([, kids]) => kids.length > 0).map(([party, kids]) => ({ party, kids })));
    const lastLogged = new Map<Party, number>();
    app.decorate('verifyBearer', async (token: string) => {
      try {
        return await verify(token);
      } catch (error) {
        if (error instanceof PartyKeysUnavailable) {
          unavailable.inc({ party: error.party });
          // Once per party per 10 s, not once per request: an outage must not flood the log.
          const last = lastLogged.get(error.party) ?? 0;
          if (Date.now() - last >= 10_000) {
            lastLogged.set(error.party, Date.now());
            app.log.error({ party: error.party }, `no usable signing key of ${error.party}: its tokens are answered 503`);
          }
        }
        throw error;
      }
    });
    app.decorateRequest('actor', null as unknown as Caller);

    for (const party of options.servedDevelopmentJwks ?? []) {
      // What `npm run token` signs with, for tools that want the development keys' JWKS.
      app.get(`/dev/jwks/${party}`, { schema: { hide: true } }, async () => developmentJwks(party));
    }
  },
  { name: 'auth', dependencies: ['metrics'] },
);

export async function authenticate(request: FastifyRequest): Promise<Caller> {
  const header = request.headers.authorization;
  if (!header) throw new Problem('unauthorized', 'An Authorization: Bearer <JWT> header is required');
  const token = bearerToken(header);
  if (!token) throw new Problem('unauthorized', 'The Authorization header must be Bearer <JWT>');
  // Verified already by the rate limiter (same header): not checked twice.
  let outcome = verifiedEarlier(request, header);
  if (!outcome) {
    try {
      outcome = { ok: true, result: await request.server.verifyBearer(token) };
    } catch (error) {
      outcome = { ok: false, error };
    }
  }
  if (!outcome.ok) {
    const { error } = outcome;
    if (error instanceof PartyKeysUnavailable) throw new Problem('unavailable', error.message);
    if (error instanceof TokenRejected) throw new Problem('unauthorized', `The bearer token was rejected: ${error.message}`);
    throw error;
  }
  return toCaller(outcome.result);
}

function toCaller(verified: VerifiedBearer): Caller {
  const claims = claimsSchema.safeParse(verified.payload);
  if (!claims.success) {
    const why = claims.error.issues.map((i) => `${i.path.join('.') || 'claims'}: ${i.message}`).join('; ');
    throw new Problem('unauthorized', `The bearer token lacks valid sub, party or roles claims (${why})`);
  }
  return {
    id: claims.data.sub,
    party: claims.data.party,
    roles: [...new Set(claims.data.roles)],
    issuer: verified.issuer,
    kid: verified.kid,
  };
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
