import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deportationFiling, verification } from '../support/fixtures';
import { startTestApp, testAuth, type TestApp } from '../support/testApp';
import { printFigures } from './support/figures';
import { isProblem, RawClient } from './support/http';
import { PersonalData, uniqueSubject } from './support/personalData';
import { fillPath, operationsOf, type Operation } from './support/spec';
import { b64url, signHmac, unsigned, validToken, type Json } from './support/tokens';

// Item 5: tokens built by hand (base64url + node:crypto HMAC), each wrong in one way, against
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
const { secret, issuer } = testAuth;
/** Claims that would be accepted for every operation (all roles): each case breaks one thing. */
const good = () => ({ sub: 'auth-probe', party: 'KH', roles: ['officer', 'supervisor', 'auditor', 'analyst'], iss: issuer, iat: now(), exp: now() + 600 });
const without = (claim: string) => {
  const { [claim]: _dropped, ...rest } = good() as Json;
  return rest;
};
const hs256 = (payload: Json | string) => signHmac({ alg: 'HS256', typ: 'JWT' }, payload, secret);
const swapSignature = (token: string, signature: string) => `${token.split('.').slice(0, 2).join('.')}.${signature}`;

const badTokens: [string, string][] = [
  // time
  ['expired an hour ago', validToken(testAuth, { ...good(), iat: now() - 7200, exp: now() - 3600 })],
  ['expired a second ago', validToken(testAuth, { ...good(), exp: now() - 1 })],
  ['not yet valid (nbf in an hour)', validToken(testAuth, { ...good(), nbf: now() + 3600 })],
  ['exp not a number', hs256({ ...good(), exp: 'tomorrow' })],
  ['nbf not a number', hs256({ ...good(), nbf: 'now' })],
  // alg none, in every spelling, with and without a signature
  ['alg none', unsigned({ alg: 'none', typ: 'JWT' }, good())],
  ['alg None', unsigned({ alg: 'None', typ: 'JWT' }, good())],
  ['alg NONE', unsigned({ alg: 'NONE' }, good())],
  ['alg nOnE', unsigned({ alg: 'nOnE' }, good())],
  ['alg none keeping a valid signature', swapSignature(unsigned({ alg: 'none' }, good()), hs256(good()).split('.')[2]!)],
  ['no alg at all', signHmac({ typ: 'JWT' }, good(), secret)],
  // algorithm confusion
  ['RS256 header, HMAC-SHA256 signature with the secret (public-key-as-HMAC-secret confusion)', signHmac({ alg: 'RS256', typ: 'JWT' }, good(), secret)],
  ['RS256 header, HMAC signature with a PEM-wrapped secret as the "public key"', signHmac({ alg: 'RS256' }, good(), `-----BEGIN PUBLIC KEY-----\n${Buffer.from(secret).toString('base64')}\n-----END PUBLIC KEY-----\n`)],
  ['ES256 header, HMAC signature', signHmac({ alg: 'ES256' }, good(), secret)],
  ['PS256 header, HMAC signature', signHmac({ alg: 'PS256' }, good(), secret)],
  ['EdDSA header, HMAC signature', signHmac({ alg: 'EdDSA' }, good(), secret)],
  ['HS512, correctly signed with the secret', signHmac({ alg: 'HS512', typ: 'JWT' }, good(), secret, 'HS512')],
  ['HS384, correctly signed with the secret', signHmac({ alg: 'HS384', typ: 'JWT' }, good(), secret, 'HS384')],
  ['HS256 header, HS512 signature', swapSignature(hs256(good()), signHmac({ alg: 'HS256', typ: 'JWT' }, good(), secret, 'HS512').split('.')[2]!)],
  ['alg hs256 in lower case', signHmac({ alg: 'hs256' }, good(), secret)],
  ['jwk header carrying its own key', signHmac({ alg: 'HS256', jwk: { kty: 'oct', k: b64url('attacker') } }, good(), 'attacker')],
  ['kid path traversal signed with an empty key', signHmac({ alg: 'HS256', kid: '../../../../dev/null' }, good(), '')],
  // signature
  ['signed with another secret', signHmac({ alg: 'HS256', typ: 'JWT' }, good(), 'another-secret-of-sufficient-length')],
  ['signed with an empty secret', signHmac({ alg: 'HS256', typ: 'JWT' }, good(), '')],
  ['signature of other claims', swapSignature(hs256(good()), hs256({ ...good(), sub: 'someone-else' }).split('.')[2]!)],
  // (Not the last character: its two low bits are padding, and some changes there decode to the same bytes.)
  ['one signature character changed', (() => { const tk = hs256(good()); const i = tk.length - 20; return tk.slice(0, i) + (tk[i] === 'A' ? 'B' : 'A') + tk.slice(i + 1); })()],
  ['signature truncated', hs256(good()).slice(0, -10)],
  ['empty signature', swapSignature(hs256(good()), '')],
  ['payload changed after signing', (() => { const [h, , s] = hs256(good()).split('.'); return `${h}.${b64url(JSON.stringify({ ...good(), party: 'CN' }))}.${s}`; })()],
  // issuer
  ['wrong issuer', validToken(testAuth, { ...good(), iss: 'someone-else' })],
  ['no expiry (exp missing)', validToken(testAuth, { ...good(), exp: undefined })],
  ['no issuer', hs256(without('iss'))],
  ['issuer in another case', validToken(testAuth, { ...good(), iss: issuer.toUpperCase() })],
  // claims the contract requires
  ['missing sub', hs256(without('sub'))],
  ['missing party', hs256(without('party'))],
  ['missing roles', hs256(without('roles'))],
  ['party US', hs256({ ...good(), party: 'US' })],
  ['party in lower case', hs256({ ...good(), party: 'kh' })],
  ['party as an array', hs256({ ...good(), party: ['KH', 'CN'] })],
  ['roles [root]', hs256({ ...good(), roles: ['root'] })],
  ['roles [officer, root]', hs256({ ...good(), roles: ['officer', 'root'] })],
  ['roles a string', hs256({ ...good(), roles: 'officer' })],
  ['roles empty', hs256({ ...good(), roles: [] })],
  ['roles an object', hs256({ ...good(), roles: { 0: 'officer', length: 1 } })],
  ['sub empty', hs256({ ...good(), sub: '' })],
  ['sub a number', hs256({ ...good(), sub: 42 })],
  ['sub null', hs256({ ...good(), sub: null })],
  ['sub too long', hs256({ ...good(), sub: 'x'.repeat(201) })],
  ['sub with a NUL character', hs256({ ...good(), sub: 'kh\u0000officer' })],
  ['sub with a control character', hs256({ ...good(), sub: 'kh\u001bofficer' })],
  ['sub with a lone surrogate', hs256({ ...good(), sub: 'kh\ud800officer' })],
  ['__proto__ smuggling the roles', hs256(`{"sub":"p","party":"KH","iss":"${issuer}","__proto__":{"roles":["supervisor"]}}`)],
  // not JSON, not an object
  ['payload a JSON array', hs256('[]')],
  ['payload a string', hs256('"hello"')],
  ['payload null', hs256('null')],
  ['payload not JSON', hs256('{sub: nope')],
  ['header not JSON', `${b64url('{alg:HS256')}.${b64url(JSON.stringify(good()))}.${createHmac('sha256', secret).update('x').digest('base64url')}`],
  // malformed
  ['two segments', hs256(good()).split('.').slice(0, 2).join('.')],
  ['one segment', hs256(good()).split('.')[0]!],
  ['four segments', `${hs256(good())}.extra`],
  ['empty segments', '..'],
  ['not base64url', '!!!.@@@.###'],
  ['standard base64 with padding', (() => { const [h, p, s] = hs256(good()).split('.'); return [h, p, s].map((x) => Buffer.from(x!, 'base64url').toString('base64')).join('.'); })()],
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
  const path = fillPath(op.path, Object.fromEntries(op.params.filter((p) => p.in === 'path').map((p) => [p.name, p.schema.format === 'uuid' ? caseId : 'x'])));
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const body = op.path.endsWith('/v1/cases') ? deportationFiling : op.path.endsWith('identity-verification') ? verification : op.body ? {} : undefined;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return { method: op.method, path, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) };
}

describe('bad tokens on every operation that needs one', () => {
  it('the hand-built baseline token is accepted (so each case below fails for its one defect)', async () => {
    const token = validToken(testAuth, good());
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
      const response = await client.send(requestFor(op, header(validToken(testAuth, good())) || undefined));
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
