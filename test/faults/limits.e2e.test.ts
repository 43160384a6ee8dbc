import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deportationFiling, isProblem, RawClient, validToken } from '@cco/testkit';
import { startTestApp, type TestApp } from '../support/testApp';
import { printFigures } from './support/figures';
import { PersonalData, uniqueSubject } from './support/personalData';

// Item 6: per-client rate limiting, body size limit, security headers, and slow clients that
// cannot starve the others. The limits are read from the environment when the app is built,
// so this file sets small ones (the defaults are generous: see services/api/src/config.ts).
const limits = { RATE_LIMIT_MAX: '30', RATE_LIMIT_WINDOW: '60 seconds', HTTP_HEADERS_TIMEOUT_MS: '3000', HTTP_REQUEST_TIMEOUT_MS: '4000' };

let t: TestApp;
let client: RawClient;
const personal = new PersonalData();
beforeAll(async () => {
  const saved = Object.fromEntries(Object.keys(limits).map((k) => [k, process.env[k]]));
  Object.assign(process.env, limits);
  try {
    t = await startTestApp();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  client = new RawClient(t.url);
});
afterAll(async () => {
  client?.close();
  await t?.close();
});

const tokenFor = (sub: string, party: 'KH' | 'CN' = 'CN', roles = ['officer']) => validToken({ sub, party, roles }, 8 * 3600);
const get = (path: string, token?: string) =>
  client.send({ method: 'GET', path, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('security headers', () => {
  it('every answer (success, problem, 404) carries them and no x-powered-by', async () => {
    const answers = [
      await get('/health'),
      await get('/v1/events'),
      await get('/nowhere'),
      await get(`/v1/cases/${randomUUID()}`, tokenFor('headers')),
    ];
    for (const response of answers) {
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
    expect(answers.map((r) => r.status)).toEqual([200, 401, 404, 404]);
    printFigures('limits/security-headers', { answersChecked: answers.length, headersEach: 7 });
  });
});

describe('rate limiting', () => {
  it('a client over its limit gets 429 problem+json while other clients are still served', async () => {
    const a = tokenFor(`limits-a-${randomUUID()}`);
    const b = tokenFor(`limits-b-${randomUUID()}`);
    const path = `/v1/cases/${randomUUID()}`;
    const answersA = [];
    for (let i = 0; i < 40; i++) answersA.push(await get(path, a));
    const statusesA = answersA.map((r) => r.status);
    expect(statusesA.slice(0, 30)).toEqual(Array(30).fill(404));
    expect(statusesA.slice(30)).toEqual(Array(10).fill(429));
    const limited = answersA[35]!;
    expect(isProblem(limited), limited.text).toBe(true);
    expect(limited.json.type).toBe('urn:cco:problem:too-many-requests');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['x-ratelimit-limit']).toBe('30');
    expect(limited.headers['x-content-type-options']).toBe('nosniff');

    // Another subject from the same address is counted on its own and still served.
    const servedB = await get(path, b);
    expect(servedB.status).toBe(404);
    // So is a client without a token (counted by IP): 401, not 429.
    expect((await get(path)).status).toBe(401);
    printFigures('limits/rate-limit-per-subject', {
      requests: 42,
      limit: 30,
      answered429: statusesA.filter((s) => s === 429).length,
      otherClientServed: true,
    });
  });

  it('unauthenticated and forged-token requests count against the IP: rotating forged subjects buys nothing', async () => {
    const path = `/v1/cases/${randomUUID()}`;
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const forged = `${tokenFor(`forged-${i}`).slice(0, -6)}AAAAAA`;
      statuses.push((await get(path, i % 2 ? forged : undefined)).status);
    }
    // One token-less request was spent by the previous test on this IP.
    const first429 = statuses.indexOf(429);
    expect(first429).toBeGreaterThan(20);
    expect(first429).toBeLessThanOrEqual(30);
    expect(statuses.slice(0, first429).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(first429).every((s) => s === 429)).toBe(true);
    // A valid token is keyed on its subject, not on the exhausted IP.
    expect((await get(path, tokenFor(`limits-c-${randomUUID()}`))).status).toBe(404);
    printFigures('limits/rate-limit-per-ip', {
      requests: 41,
      answered401: first429,
      answered429: statuses.length - first429,
      validSubjectServed: true,
    });
  });
});

describe('body size', () => {
  const big = JSON.stringify({ ...deportationFiling, offences: [{ category: 'other', description: 'x'.repeat(300 * 1024) }] });

  it('a body over 256 KiB is 413 problem+json, whether its length is declared or chunked', async () => {
    const token = tokenFor(`limits-body-${randomUUID()}`);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const declared = await client.send({ method: 'POST', path: '/v1/cases', headers, body: big });
    const chunked = await client.send({
      method: 'POST',
      path: '/v1/cases',
      headers: { ...headers, 'transfer-encoding': 'chunked' },
      body: big,
    });
    // A huge declared length with no body behind it is refused at once, not waited for.
    const started = Date.now();
    const lying = await client
      .send({
        method: 'POST',
        path: '/v1/cases',
        headers: { ...headers, 'content-length': String(1024 ** 3) },
        body: '{}',
        timeoutMs: 5000,
      })
      .catch((e: Error) => e);
    for (const response of [declared, chunked]) {
      expect(response.status).toBe(413);
      expect(isProblem(response), response.text).toBe(true);
      expect(response.json.type).toBe('urn:cco:problem:payload-too-large');
    }
    expect(lying instanceof Error ? lying.message : lying.status).toBe(413);
    printFigures('limits/body-size', {
      bodyBytes: Buffer.byteLength(big),
      answered413: 3,
      hugeDeclaredLengthRefusedInMs: Date.now() - started,
    });
  });
});

describe('slow and huge clients', () => {
  /** Opens a socket that sends the start of a request and then one byte every `everyMs`. */
  function trickle(kind: 'headers' | 'body', everyMs: number) {
    const socket = connect(Number(new URL(t.url).port), '127.0.0.1');
    const state = { socket, answer: '', closed: false, closedAt: 0 };
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (state.answer += d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      state.closed = true;
      state.closedAt = Date.now();
    });
    socket.on('connect', () => {
      socket.write(
        kind === 'headers'
          ? 'GET /health HTTP/1.1\r\nHost: x\r\n'
          : `POST /v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tokenFor(`slow-${randomUUID()}`)}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{`,
      );
    });
    const timer = setInterval(() => !socket.destroyed && socket.write(kind === 'headers' ? 'X' : ' '), everyMs);
    socket.on('close', () => clearInterval(timer));
    return state;
  }

  it('20 slow sockets do not delay a normal client, and are cut off by the server’s timeouts', async () => {
    const opened = Date.now();
    const slow = [...Array.from({ length: 12 }, () => trickle('headers', 200)), ...Array.from({ length: 8 }, () => trickle('body', 200))];
    await new Promise((r) => setTimeout(r, 500));
    const token = tokenFor(`normal-${randomUUID()}`);
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = Date.now();
      const subject = uniqueSubject();
      personal.addSubject(subject);
      const response = await client.send({
        method: 'POST',
        path: '/v1/cases',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...deportationFiling, subject }),
        timeoutMs: 5000,
      });
      expect(response.status).toBe(201);
      latencies.push(Date.now() - started);
    }
    expect(slow.every((s) => !s.closed)).toBe(true);
    expect(Math.max(...latencies)).toBeLessThan(1000);

    // Headers must arrive within 3 s and the whole request within 4 s here (checked every second).
    await expect.poll(() => slow.filter((s) => s.closed).length, { timeout: 10_000, interval: 100 }).toBe(20);
    for (const s of slow) {
      expect(s.answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(s.answer).toContain('content-type: application/problem+json'.replace('content-type', 'Content-Type'));
      expect(s.answer).toContain('"type":"urn:cco:problem:request-timeout"');
    }
    const cutAfter = slow.map((s) => s.closedAt - opened);
    printFigures('limits/slow-clients', {
      slowSockets: slow.length,
      normalRequests: latencies.length,
      normalMaxLatencyMs: Math.max(...latencies),
      slowCutAfterMs: `${Math.min(...cutAfter)}..${Math.max(...cutAfter)}`,
      answered408: slow.length,
    });
  });

  it('a header section over the limit is 431 problem+json', async () => {
    const socket: Socket = connect(Number(new URL(t.url).port), '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (answer += d));
    socket.on('error', () => undefined);
    const closed = new Promise((r) => socket.on('close', r));
    socket.on('connect', () => socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain('"type":"urn:cco:problem:header-fields-too-large"');
    printFigures('limits/huge-headers', { headerBytes: 20_000, answered431: 1 });
  });
});

it('no personal data in this file’s logs', () => {
  const scanned = personal.assertAbsentFrom(t.logs);
  printFigures('limits/personal-data', scanned);
});
