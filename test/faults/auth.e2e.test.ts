import { createHmac, generateKeyPairSync } from 'node:crypto';
import { developmentAudience, developmentIssuers, developmentJwks } from '@cco/dev-auth';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  b64url,
  deportationFiling,
  developmentHeader,
  developmentPublicPem,
  isProblem,
  type Json,
  RawClient,
  signEd25519,
  signHmac,
  unsigned,
  validToken,
  verification,
} from '@cco/testkit';
import { startTestApp, type TestApp } from '../support/testApp';
import { printFigures } from './support/figures';
import { PersonalData, uniqueSubject } from './support/personalData';
import { fillPath, operationsOf, type Operation } from './support/spec';

// Item 5: tokens built by hand (base64url + node:crypto), each wrong in one way, against
// every documented operation that needs a token: each answer is 401 problem+json with
// WWW-Authenticate: Bearer, and nothing is appended. (The party × role × endpoint matrix for
// valid tokens is services/api/test/authorization.e2e.test.ts.)

let t: TestApp;
let client: RawClient;
let protectedOps: Operation[];
let caseId: string;
const personal = new PersonalData();

beforeAll(async () => {
  // Some 1,400 token-less requests from one address: more than the default rate limit allows
  // (limits.e2e.test.ts tests it); raised here so every answer is the authentication's.
  const saved = process.env.RATE_LIMIT_MAX;
  process.env.RATE_LIMIT_MAX = '1000000';
  try {
    t = await startTestApp();
  } finally {
    if (saved === undefined) delete process.env.RATE_LIMIT_MAX;
    else process.env.RATE_LIMIT_MAX = saved;
  }
  client = new RawClient(t.url);
  protectedOps = operationsOf(t.app.swagger()).filter((op) => op.requiresAuth);
  const subject = uniqueSubject();
  personal.addSubject(subject);
  const filed = await t.request('POST', '/v1/cases', { token: t.token('CN', 'officer'), body: { ...deportationFiling, subject } });
  caseId = filed.body.id;
});
afterAll(async () => {
  client?.close();
  await t?.close();
});

const now = () => Math.floor(Date.now() / 1000);
const issuer = developmentIssuers.KH;
/** Claims that would be accepted for every operation (all roles): each case breaks one thing. */
const good = () => ({
  sub: 'auth-probe',
  party: 'KH',
  roles: ['officer', 'supervisor', 'auditor', 'analyst'],
  iss: issuer,
  aud: developmentAudience,
  iat: now(),
  exp: now() + 600,
});
const without = (claim: string) => {
  const { [claim]: _dropped, ...rest } = good() as Json;
  return rest;
};
/** Signed correctly with KH's key (EdDSA, its kid): only the payload is wrong. */
const kh = (payload: Json | string) => signEd25519(developmentHeader('KH'), payload, 'KH');
const swapSignature = (token: string, signature: string) => `${token.split('.').slice(0, 2).join('.')}.${signature}`;
const publicPem = developmentPublicPem('KH');
const publicX = developmentJwks('KH').keys[0]!.x;
const kid = developmentHeader('KH').kid;

const badTokens: [string, string][] = [
  // time
  ['expired an hour ago', validToken({ ...good(), iat: now() - 7200, exp: now() - 3600 })],
  ['expired two minutes ago (beyond the clock skew)', validToken({ ...good(), exp: now() - 120 })],
  ['not yet valid (nbf in an hour)', validToken({ ...good(), nbf: now() + 3600 })],
  ['exp not a number', kh({ ...good(), exp: 'tomorrow' })],
  ['nbf not a number', kh({ ...good(), nbf: 'now' })],
  ['no expiry (exp missing)', validToken({ ...good(), exp: undefined })],
  ['no iat', validToken({ ...good(), iat: undefined })],
  ['iat a day in the future', validToken({ ...good(), iat: now() + 86_400, exp: now() + 86_400 + 600 })],
  ['exp 1e20 (unbounded lifetime)', validToken({ ...good(), exp: 1e20 })],
  ['lifetime 12 h and a minute', validToken({ ...good(), exp: now() + 12 * 3600 + 60 })],
  // alg none, in every spelling, with and without a signature
  ['alg none', unsigned({ alg: 'none', typ: 'JWT', kid }, good())],
  ['alg None', unsigned({ alg: 'None', typ: 'JWT', kid }, good())],
  ['alg NONE', unsigned({ alg: 'NONE', kid }, good())],
  ['alg nOnE', unsigned({ alg: 'nOnE', kid }, good())],
  ['alg none keeping a valid signature', swapSignature(unsigned({ alg: 'none', kid }, good()), kh(good()).split('.')[2]!)],
  ['no alg at all', signEd25519({ typ: 'JWT', kid }, good())],
  // algorithm confusion: the public key (PEM, or the JWK's x) used as an HMAC secret
  ['HS256 signed with the public key (PEM) as the secret', signHmac({ alg: 'HS256', typ: 'JWT', kid }, good(), publicPem)],
  ['HS256 signed with the public JWK x as the secret', signHmac({ alg: 'HS256', typ: 'JWT', kid }, good(), publicX)],
  ['HS512 signed with the public key as the secret', signHmac({ alg: 'HS512', kid }, good(), publicPem, 'HS512')],
  ['EdDSA header, HMAC signature with the public key', signHmac({ alg: 'EdDSA', kid }, good(), publicPem)],
  ['RS256 header, Ed25519 signature', signEd25519({ alg: 'RS256', kid }, good())],
  ['PS256 header, Ed25519 signature', signEd25519({ alg: 'PS256', kid }, good())],
  ['alg eddsa in lower case', signEd25519({ alg: 'eddsa', kid }, good())],
  ['jwk header carrying its own key', signHmac({ alg: 'HS256', kid, jwk: { kty: 'oct', k: b64url('attacker') } }, good(), 'attacker')],
  ['kid path traversal signed with an empty key', signHmac({ alg: 'HS256', kid: '../../../../dev/null' }, good(), '')],
  // kid and keys
  ['no kid', signEd25519({ alg: 'EdDSA', typ: 'JWT' }, good())],
  ['kid empty', signEd25519({ alg: 'EdDSA', kid: '' }, good())],
  ['kid unknown to KH', signEd25519({ alg: 'EdDSA', kid: 'kh-unknown' }, good())],
  ['kid a number', signEd25519({ alg: 'EdDSA', kid: 1 }, good())],
  [
    'signed with another Ed25519 key under KH’s kid',
    signEd25519(developmentHeader('KH'), good(), 'KH', generateKeyPairSync('ed25519').privateKey),
  ],
  // one party's key can never speak for the other
  ['KH key, party CN (KH issuer)', kh({ ...good(), party: 'CN' })],
  ['KH key and kid, CN issuer', kh({ ...good(), iss: developmentIssuers.CN, party: 'CN' })],
  ['KH key, CN’s kid, CN issuer', signEd25519(developmentHeader('CN'), { ...good(), iss: developmentIssuers.CN, party: 'CN' }, 'KH')],
  ['CN key, KH’s kid, KH issuer', signEd25519(developmentHeader('KH'), good(), 'CN')],
  // signature
  ['signature of other claims', swapSignature(kh(good()), kh({ ...good(), sub: 'someone-else' }).split('.')[2]!)],
  // (Not the last character: its low bits are padding, and some changes there decode to the same bytes.)
  [
    'one signature character changed',
    (() => {
      const tk = kh(good());
      const i = tk.length - 20;
      return tk.slice(0, i) + (tk[i] === 'A' ? 'B' : 'A') + tk.slice(i + 1);
    })(),
  ],
  ['signature truncated', kh(good()).slice(0, -10)],
  ['empty signature', swapSignature(kh(good()), '')],
  [
    'payload changed after signing',
    (() => {
      const [h, , sig] = kh(good()).split('.');
      return `${h}.${b64url(JSON.stringify({ ...good(), sub: 'someone-else' }))}.${sig}`;
    })(),
  ],
  // issuer and audience
  ['wrong issuer', validToken({ ...good(), iss: 'someone-else' })],
  ['no issuer', kh(without('iss'))],
  ['issuer in another case', validToken({ ...good(), iss: issuer.toUpperCase() })],
  ['no audience', kh(without('aud'))],
  ['wrong audience', validToken({ ...good(), aud: 'another-api' })],
  ['audience in another case', validToken({ ...good(), aud: developmentAudience.toUpperCase() })],
  // claims the contract requires
  ['missing sub', kh(without('sub'))],
  ['missing party', kh(without('party'))],
  ['missing roles', kh(without('roles'))],
  ['party US', kh({ ...good(), party: 'US' })],
  ['party in lower case', kh({ ...good(), party: 'kh' })],
  ['party as an array', kh({ ...good(), party: ['KH', 'CN'] })],
  ['roles [root]', kh({ ...good(), roles: ['root'] })],
  ['roles [officer, root]', kh({ ...good(), roles: ['officer', 'root'] })],
  ['roles a string', kh({ ...good(), roles: 'officer' })],
  ['roles empty', kh({ ...good(), roles: [] })],
  ['roles an object', kh({ ...good(), roles: { 0: 'officer', length: 1 } })],
  ['sub empty', kh({ ...good(), sub: '' })],
  ['sub a number', kh({ ...good(), sub: 42 })],
  ['sub null', kh({ ...good(), sub: null })],
  ['sub too long', kh({ ...good(), sub: 'x'.repeat(201) })],
  ['sub with a NUL character', kh({ ...good(), sub: 'kh\u0000officer' })],
  ['sub with a control character', kh({ ...good(), sub: 'kh\u001bofficer' })],
  ['sub with a lone surrogate', kh({ ...good(), sub: 'kh\ud800officer' })],
  [
    '__proto__ smuggling the roles',
    kh(
      `{"sub":"p","party":"KH","iss":"${issuer}","aud":"${developmentAudience}","iat":${now()},"exp":${now() + 600},"__proto__":{"roles":["supervisor"]}}`,
    ),
  ],
  // not JSON, not an object
  ['payload a JSON array', kh('[]')],
  ['payload a string', kh('"hello"')],
  ['payload null', kh('null')],
  ['payload not JSON', kh('{sub: nope')],
  [
    'header not JSON',
    `${b64url('{alg:EdDSA')}.${b64url(JSON.stringify(good()))}.${createHmac('sha256', 'x').update('x').digest('base64url')}`,
  ],
  // malformed
  ['two segments', kh(good()).split('.').slice(0, 2).join('.')],
  ['one segment', kh(good()).split('.')[0]!],
  ['four segments', `${kh(good())}.extra`],
  ['empty segments', '..'],
  ['not base64url', '!!!.@@@.###'],
  [
    'standard base64 with padding',
    (() => {
      const [h, p, sig] = kh(good()).split('.');
      return [h, p, sig].map((x) => Buffer.from(x!, 'base64url').toString('base64')).join('.');
    })(),
  ],
  ['a random string', 'hello'],
  ['huge (12 KB of garbage)', `${'a'.repeat(6000)}.${'b'.repeat(6000)}.c`],
];

const badHeaders: [string, (token: string) => string][] = [
  ['no Authorization header', () => ''],
  ['Basic credentials', () => 'Basic dXNlcjpwYXNzd29yZA=='],
  ['Bearer without a token', () => 'Bearer'],
  ['Bearer and a space', () => 'Bearer '],
  ['the token without a scheme', (tk) => tk],
  ['two tokens', (tk) => `Bearer ${tk} ${tk}`],
  ['a valid token after a garbage scheme', (tk) => `Token ${tk}`],
];

const eventCount = async () => Number((await sql<{ n: string }>`select count(*) as n from events`.execute(t.database.db)).rows[0]!.n);

function requestFor(op: Operation, authorization: string | undefined) {
  const path = fillPath(
    op.path,
    Object.fromEntries(op.params.filter((p) => p.in === 'path').map((p) => [p.name, p.schema.format === 'uuid' ? caseId : 'x'])),
  );
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const body = op.path.endsWith('/v1/cases')
    ? deportationFiling
    : op.path.endsWith('identity-verification')
      ? verification
      : op.body
        ? {}
        : undefined;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return { method: op.method, path, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) };
}

describe('bad tokens on every operation that needs one', () => {
  it('the hand-built baseline token is accepted (so each case below fails for its one defect)', async () => {
    const token = validToken(good());
    for (const op of protectedOps) {
      const response = await client.send(requestFor(op, `Bearer ${token}`));
      expect(response.status, `${op.name}: ${response.text}`).not.toBe(401);
      expect(response.status, `${op.name}: ${response.text}`).toBeLessThan(500);
    }
  });

  it.each(badTokens)('%s → 401 problem+json, nothing appended', async (_name, token) => {
    const before = await eventCount();
    for (const op of protectedOps) {
      const response = await client.send(requestFor(op, `Bearer ${token}`));
      expect(response.status, `${op.name}: ${response.text}`).toBe(401);
      expect(isProblem(response), response.text).toBe(true);
      expect(response.json.type).toBe('urn:cco:problem:unauthorized');
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
    expect(await eventCount()).toBe(before);
  });

  it.each(badHeaders)('%s → 401 problem+json', async (_name, header) => {
    for (const op of protectedOps) {
      const response = await client.send(requestFor(op, header(validToken(good())) || undefined));
      expect(response.status, `${op.name}: ${response.text}`).toBe(401);
      expect(isProblem(response), response.text).toBe(true);
    }
  });

  it('figures', () => {
    printFigures('auth', {
      badTokens: badTokens.length,
      badHeaders: badHeaders.length,
      operations: protectedOps.length,
      requests401: (badTokens.length + badHeaders.length) * protectedOps.length,
      eventsAppended: 0,
    });
  });
});

it('no personal data in this file’s logs (and no token either)', () => {
  const scanned = personal.assertAbsentFrom(t.logs);
  // Nor any token: every JWT here starts with a base64url JSON header, `eyJ`.
  expect(t.logs.filter((line) => /eyJ[\w-]{10,}/.test(line))).toEqual([]);
  printFigures('auth/personal-data', scanned);
});
