import { spawnSync } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { developmentKeyEncryptionKey } from '@cco/cases';
import { developmentJwks, developmentJwtSecret, developmentSigningKey, signDevelopmentToken } from '@cco/dev-auth';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deportationFiling, freePort, serverProcess, type ServerProcess } from '@cco/testkit';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { FakeIdentityProvider, testCertificate } from './identityProvider';
import { expectRefusal, productionSettings, startRefused } from './productionSupport';

// What `npm start` runs (services/api/dist/main.mjs, built by the global setup) as a child
// process: production refuses to start on shared or published secrets, serves two ministries
// with their own keys, and keeps /metrics off the public port; development needs no settings.

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cco-production-start-'));
const kh = new FakeIdentityProvider('https://idp.kh.example');
const cn = new FakeIdentityProvider('https://idp.cn.example');
const cnJwksFile = join(dir, 'cn-jwks.json');
// KH's provider over https (production refuses plain http): the child trusts its certificate.
const tls = testCertificate();
let db: TestDatabase<any>;

beforeAll(async () => {
  await kh.start(tls);
  await kh.addKey('kh-1', 'ES256');
  await cn.addKey('cn-1', 'EdDSA');
  // CN as on an air-gapped network: its JWKS is a file. It lists CN's published development key
  // too (a copy-paste mistake): production must not trust that one.
  writeFileSync(cnJwksFile, JSON.stringify({ keys: [...cn.jwks().keys, ...developmentJwks('CN').keys] }));
  db = await createTestDatabase();
});
afterAll(async () => {
  await kh.stop();
  await db?.close();
});

/** Everything a production start needs: each refusal below breaks exactly one thing. */
const production = (): Record<string, string | undefined> =>
  productionSettings({ kh, tls, cn: { issuer: cn.issuer, jwksFile: cnJwksFile }, databaseUrl: db.url });

describe('production refuses to start (one line on stderr, no stack trace, non-zero exit)', () => {
  const refusals: [string, Record<string, string | undefined>, RegExp][] = [
    ['without AUTH_KH_JWKS', { AUTH_KH_JWKS: undefined }, /AUTH_KH_JWKS/],
    ['without AUTH_CN_JWKS', { AUTH_CN_JWKS: undefined }, /AUTH_CN_JWKS/],
    ['without AUTH_KH_ISSUER', { AUTH_KH_ISSUER: undefined }, /AUTH_KH_ISSUER/],
    ['without AUTH_CN_ISSUER', { AUTH_CN_ISSUER: undefined }, /AUTH_CN_ISSUER/],
    [
      'with no auth settings at all',
      { AUTH_KH_JWKS: undefined, AUTH_CN_JWKS: undefined, AUTH_KH_ISSUER: undefined, AUTH_CN_ISSUER: undefined },
      /AUTH_KH_JWKS, AUTH_KH_ISSUER, AUTH_CN_JWKS, AUTH_CN_ISSUER/,
    ],
    ['with JWT_SECRET set (to a strong secret)', { JWT_SECRET: randomBytes(32).toString('base64url') }, /JWT_SECRET/],
    ['with JWT_SECRET set to the published development secret', { JWT_SECRET: developmentJwtSecret }, /JWT_SECRET/],
    [
      'with the development personal-data key',
      { PERSONAL_DATA_KEY: developmentKeyEncryptionKey },
      /PERSONAL_DATA_KEY is the published development key/,
    ],
    ['without PERSONAL_DATA_KEY', { PERSONAL_DATA_KEY: undefined }, /PERSONAL_DATA_KEY is required/],
    ['with both parties on one issuer', { AUTH_CN_ISSUER: 'https://idp.kh.example' }, /must differ/],
    ['with a JWKS file that does not exist', { AUTH_CN_JWKS: join(dir, 'missing.json') }, /AUTH_CN_JWKS: no such file/],
    ['without CHECKPOINT_SIGNING_KEY', { CHECKPOINT_SIGNING_KEY: undefined }, /CHECKPOINT_SIGNING_KEY is required/],
    ['with a CHECKPOINT_SIGNING_KEY that is no note key', { CHECKPOINT_SIGNING_KEY: 'PRIVATE+KEY+nonsense' }, /CHECKPOINT_SIGNING_KEY: /],
  ];

  it.each(refusals)('%s', async (_name, change, says) => {
    const refusal = await startRefused({ ...production(), ...change });
    expectRefusal(refusal, /^refusing to start \(NODE_ENV=production\): /);
    expectRefusal(refusal, says);
  });
});

describe('a production service trusting two ministries', () => {
  let server: ServerProcess;
  let metricsPort: number;
  beforeAll(async () => {
    metricsPort = await freePort();
    server = await serverProcess({ ...(production() as Record<string, string>), DATABASE_URL: db.url, METRICS_PORT: String(metricsPort) });
    await server.start();
  });
  afterAll(() => server?.stop());

  it('serves both: KH’s keys from its URL, CN’s from a file; a development key is never trusted', async () => {
    const post = (token: string) =>
      fetch(`${server.url}/v1/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(deportationFiling),
      });
    const filed = await post(await cn.sign({ sub: 'cn-officer', party: 'CN', roles: ['officer'] }));
    expect(filed.status).toBe(201);
    const { id } = (await filed.json()) as { id: string };
    const read = await fetch(`${server.url}/v1/cases/${id}`, {
      headers: { authorization: `Bearer ${await kh.sign({ sub: 'kh-officer', party: 'KH', roles: ['officer'] })}` },
    });
    expect(read.status).toBe(200);
    // Signed with the development key the CN file lists, with CN's production issuer: still 401.
    const developmentKey = developmentSigningKey('CN');
    const now = Math.floor(Date.now() / 1000);
    const devSigned = await new SignJWT({
      sub: 'dev',
      party: 'CN',
      roles: ['officer'],
      aud: 'cco-api',
      iss: cn.issuer,
      iat: now,
      exp: now + 600,
    })
      .setProtectedHeader({ alg: 'EdDSA', kid: developmentKey.kid })
      .sign(createPrivateKey(developmentKey.pem));
    expect((await post(devSigned)).status).toBe(401);
    expect((await post(signDevelopmentToken({ sub: 'dev', party: 'CN', roles: ['officer'] }))).status).toBe(401);
    expect(server.logs.some((line) => line.includes('lists a published development key'))).toBe(true);
  });

  it('/metrics is not on the public port, but on 127.0.0.1:METRICS_PORT; no development JWKS', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${server.url}/dev/jwks/KH`)).status).toBe(404);
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('cco_http_request_duration_seconds');
  });
});

describe('development: no settings needed', () => {
  let server: ServerProcess;
  // A database of its own: the one above was sealed with the production start's key, and a
  // database refuses every other (the development key included).
  let devDb: TestDatabase<any>;
  beforeAll(async () => {
    devDb = await createTestDatabase();
    server = await serverProcess({ NODE_ENV: 'development', DATABASE_URL: devDb.url });
    await server.start();
  });
  afterAll(async () => {
    await server?.stop();
    await devDb?.close();
  });

  const npmToken = (...args: string[]) =>
    spawnSync('npm', ['run', '-s', 'token', '--', ...args], {
      cwd: repoRoot,
      env: { ...process.env, JWT_SECRET: undefined },
      encoding: 'utf8',
    });

  it('`npm run token -- --party KH --roles officer` signs with KH’s development key, which the service trusts', async () => {
    const cnToken = npmToken('--party', 'CN', '--roles', 'officer');
    expect(cnToken.status, cnToken.stderr).toBe(0);
    const filed = await fetch(`${server.url}/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cnToken.stdout.trim()}`, 'content-type': 'application/json' },
      body: JSON.stringify(deportationFiling),
    });
    expect(filed.status).toBe(201);
    const { id } = (await filed.json()) as { id: string };
    const khToken = npmToken('--party', 'KH', '--roles', 'officer');
    const read = await fetch(`${server.url}/v1/cases/${id}`, { headers: { authorization: `Bearer ${khToken.stdout.trim()}` } });
    expect(read.status).toBe(200);
    expect(await (await fetch(`${server.url}/dev/jwks/KH`)).json()).toEqual(developmentJwks('KH'));
  });

  it('`npm run token -- --help` prints the usage; a bad party prints it too, without a stack trace', () => {
    const help = npmToken('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run token -- --party KH\|CN/);
    const bad = npmToken('--party', 'US');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^usage: /);
    const unknownOption = npmToken('--nope');
    expect(unknownOption.status).toBe(2);
    expect(unknownOption.stderr).not.toMatch(/\bat .*:\d+:\d+/);
  });
});
