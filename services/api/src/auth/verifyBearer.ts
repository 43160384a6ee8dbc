import { parties, type Party } from '@cco/domain';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { HeldKeys } from './heldKeys';
import { KeysUnavailable, PartyKeySet, type JwksSource, type KeySetEvents, type KeySetTiming } from './partyKeySet';
import { RememberedTokens, type VerifyingKey } from './rememberedTokens';

/** Asymmetric only: no `none`, no HMAC (a public key used as an HMAC secret is refused). */
export const allowedAlgorithms = ['RS256', 'ES256', 'EdDSA'];
/** Clock skew allowed on `iat` (and jose's exp/nbf checks). */
const clockSkewSeconds = 60;
/** The longest lifetime `exp − iat` a token may claim: a leaked token must not work for long. */
const maxLifetimeSeconds = 12 * 3600;

/** Whom the service trusts for one party: the issuer that names it and where its keys are. */
export interface PartyTrust {
  issuer: string;
  jwks: JwksSource;
}

export interface VerifierOptions {
  parties: Record<Party, PartyTrust>;
  audience: string;
  timing: KeySetTiming;
  /** Public keys no set may bring in (compared by key material): in production, the published development keys. */
  refusedKeys?: readonly Partial<JWK>[] | undefined;
  /** How many verified tokens to remember (0: verify every request's signature); see RememberedTokens. */
  rememberTokens?: number | undefined;
  /** Development only (JWT_SECRET): HS256 tokens of this issuer, any party. Never in production. */
  developmentSecret?: { secret: string; issuer: string } | undefined;
}

/** What a verified token says, and which key vouched for it (for the access log and events). */
export interface VerifiedBearer {
  payload: JWTPayload;
  party: Party;
  issuer: string;
  kid: string;
}

/** The token is not acceptable: 401. */
export class TokenRejected extends Error {}
/** The issuing party's keys cannot be had right now: 503. */
export class PartyKeysUnavailable extends Error {
  constructor(readonly party: Party) {
    super(`${party}'s signing keys are unavailable (its JWKS could not be fetched); retry shortly`);
  }
}

export type VerifyBearer = (token: string) => Promise<VerifiedBearer>;

/**
 * The issuer selects the party; only that party's key set can verify the token, so a key of one
 * ministry can never vouch for the other's officers, whatever the token claims.
 */
export function createVerifier(options: VerifierOptions, events: (party: Party) => KeySetEvents): VerifyBearer {
  const byIssuer = new Map<string, { party: Party; keys: PartyKeySet }>();
  const held = new HeldKeys();
  for (const party of parties) {
    const trust = options.parties[party];
    if (byIssuer.has(trust.issuer)) throw new Error(`both parties have the issuer ${trust.issuer}: the issuer must select the party`);
    const keys = new PartyKeySet(trust.jwks, options.timing, events(party), {
      refused: options.refusedKeys,
      held: { keys: held, as: party },
    });
    byIssuer.set(trust.issuer, { party, keys });
  }
  const remembered = new RememberedTokens<VerifiedBearer>(options.rememberTokens ?? 10_000, clockSkewSeconds);
  const hmac = options.developmentSecret && {
    issuer: options.developmentSecret.issuer,
    key: new TextEncoder().encode(options.developmentSecret.secret),
  };

  return async (token) => (await remembered.recall(token)) ?? verifyAfresh(token);

  async function verifyAfresh(token: string): Promise<VerifiedBearer> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch {
      throw new TokenRejected('not a JWT');
    }
    if (hmac && header.alg === 'HS256' && unverified.iss === hmac.issuer) return verifyDevelopmentHmac(token, hmac, options.audience);
    if (typeof header.alg !== 'string' || !allowedAlgorithms.includes(header.alg)) {
      throw new TokenRejected(`alg must be one of ${allowedAlgorithms.join(', ')}`);
    }
    if (typeof header.kid !== 'string' || header.kid === '') throw new TokenRejected('the token header has no kid');
    const trusted = typeof unverified.iss === 'string' ? byIssuer.get(unverified.iss) : undefined;
    if (!trusted) throw new TokenRejected('the issuer is not trusted');

    let payload: JWTPayload;
    let key: VerifyingKey | undefined;
    let asked: Parameters<typeof trusted.keys.getKey> | undefined;
    const getKey: typeof trusted.keys.getKey = async (...args) => {
      asked = args;
      return (key = await trusted.keys.getKey(...args));
    };
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms: allowedAlgorithms,
        issuer: unverified.iss!,
        audience: options.audience,
        requiredClaims: ['exp', 'iat', 'sub'],
        clockTolerance: clockSkewSeconds,
      }));
    } catch (error) {
      if (error instanceof KeysUnavailable) throw new PartyKeysUnavailable(trusted.party);
      if (error instanceof errors.JWKSNoMatchingKey) throw new TokenRejected(`${trusted.party}'s key set has no key ${header.kid}`);
      throw new TokenRejected((error as Error).message);
    }
    checkTimes(payload);
    if (payload.party !== trusted.party)
      throw new TokenRejected(`a token of ${trusted.party}'s issuer cannot speak for party ${String(payload.party)}`);
    // Shared by every later request with this token (RememberedTokens): frozen, so none can alter another's.
    for (const value of Object.values(payload)) if (Array.isArray(value)) Object.freeze(value);
    const verified = Object.freeze({ payload: Object.freeze(payload), party: trusted.party, issuer: unverified.iss!, kid: header.kid });
    remembered.remember(token, { verified, key: key!, getKey: trusted.keys.getKey, asked: asked!, exp: payload.exp! });
    return verified;
  }
}

/** `iat` not in the future, and a bounded lifetime (jose checks exp itself). */
function checkTimes(payload: JWTPayload): void {
  const now = Math.floor(Date.now() / 1000);
  const { iat, exp } = payload as { iat: number; exp: number };
  if (iat > now + clockSkewSeconds) throw new TokenRejected('iat is in the future');
  if (exp - iat > maxLifetimeSeconds) throw new TokenRejected(`the token's lifetime exp − iat exceeds ${maxLifetimeSeconds / 3600} h`);
}

async function verifyDevelopmentHmac(token: string, hmac: { issuer: string; key: Uint8Array }, audience: string): Promise<VerifiedBearer> {
  try {
    const { payload } = await jwtVerify(token, hmac.key, {
      algorithms: ['HS256'],
      issuer: hmac.issuer,
      audience,
      requiredClaims: ['exp', 'iat', 'sub'],
      clockTolerance: clockSkewSeconds,
    });
    checkTimes(payload);
    const party = payload.party as Party;
    if (!parties.includes(party)) throw new TokenRejected('the party claim is not KH or CN');
    return { payload, party, issuer: hmac.issuer, kid: 'JWT_SECRET' };
  } catch (error) {
    throw error instanceof TokenRejected ? error : new TokenRejected((error as Error).message);
  }
}
