import { createPrivateKey, type JsonWebKey as NodeJwk } from 'node:crypto';
import { createSigner } from 'fast-jwt';

/** A public JSON Web Key as a JWKS lists it. */
export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
  alg: string;
  use: string;
}

/**
 * Development credentials only: `npm start` without settings trusts these keys, `npm run token`
 * and `npm run simulate` sign with them, and the tests sign with them. They are published in
 * this repository, so a production start refuses them (see services/api/src/config.ts). A
 * package of its own so that a tool can sign a development token without importing the service.
 */

export type DevelopmentParty = 'KH' | 'CN';

/** The HS256 secret JWT_SECRET used to default to: published, so a test shows production refuses it. */
export const developmentJwtSecret = 'development-only-secret-do-not-use-in-production';

/** Each party's development issuer (`iss`), as a ministry's identity provider would set it. */
export const developmentIssuers: Record<DevelopmentParty, string> = { KH: 'cco-dev-kh', CN: 'cco-dev-cn' };

export const developmentAudience = 'cco-api';

/** One Ed25519 key per party: a token of one party can never verify as the other's. */
const privateKeys: Record<DevelopmentParty, { kty: string; crv: string; kid: string; x: string; d: string }> = {
  KH: {
    kty: 'OKP',
    crv: 'Ed25519',
    kid: 'cco-dev-kh-1',
    x: '88--D4I-ovBEauIsKnhN0N9TJyWOxMzSPXBZKg-lOKA',
    d: 'oF4svDaRu8srmxNdAlJAA_fCEpYuGv2ZJcZn19GtBNc',
  },
  CN: {
    kty: 'OKP',
    crv: 'Ed25519',
    kid: 'cco-dev-cn-1',
    x: 'f1WG7SGzq82_gXXM6fa3AJ4thwTPVmgasy6SNCcgj0A',
    d: 'YNnSnLbrLDBWullP6AlWSRLB96oBYwL2AIYCFNT6dnc',
  },
};

/** The public JSON Web Key Set of a party's development key (what the service trusts). */
export function developmentJwks(party: DevelopmentParty): { keys: PublicJwk[] } {
  const { d: _private, ...publicKey } = privateKeys[party];
  return { keys: [{ ...publicKey, alg: 'EdDSA', use: 'sig' }] };
}

export interface DevelopmentClaims {
  sub: string;
  party: DevelopmentParty;
  roles: string[];
}

/**
 * A token as a party's identity provider issues it: EdDSA with kid, iss, aud, iat and exp
 * (fast-jwt signs; synchronous, so test helpers and tools can sign inline). `issuingParty`
 * signs with another party's key and issuer (for tests of what the service must refuse).
 */
export function signDevelopmentToken(
  claims: DevelopmentClaims,
  options: { issuingParty?: DevelopmentParty; expiresIn?: string | number } = {},
): string {
  const signer = options.issuingParty ?? claims.party;
  const { kid } = privateKeys[signer];
  const sign = createSigner({
    key: privateKeyPem(signer),
    algorithm: 'EdDSA',
    kid,
    iss: developmentIssuers[signer],
    aud: developmentAudience,
    expiresIn: toMilliseconds(options.expiresIn ?? '8h'),
  });
  return sign({ sub: claims.sub, party: claims.party, roles: claims.roles });
}

/** A party's development private key (PEM) and kid: for tests that build hostile tokens by hand. */
export function developmentSigningKey(party: DevelopmentParty): { kid: string; pem: string } {
  return { kid: privateKeys[party].kid, pem: privateKeyPem(party) };
}

const pems = new Map<DevelopmentParty, string>();
function privateKeyPem(party: DevelopmentParty): string {
  if (!pems.has(party))
    pems.set(
      party,
      createPrivateKey({ key: privateKeys[party] as NodeJwk, format: 'jwk' })
        .export({ format: 'pem', type: 'pkcs8' })
        .toString(),
    );
  return pems.get(party)!;
}

/** `8h`, `30m`, `45s` or milliseconds. */
function toMilliseconds(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) throw new Error(`--expires: not a duration: ${value} (e.g. 8h, 30m)`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(match[2] ?? 'ms') as 'ms'];
  return Number(match[1]) * factor;
}
