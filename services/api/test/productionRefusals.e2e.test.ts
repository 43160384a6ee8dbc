import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@cco/testkit';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { FakeIdentityProvider, testCertificate } from './identityProvider';
import { expectRefusal, productionSettings, startRefused } from './productionSupport';

// The unsafe set-ups a careless operator reaches, each refused before anything is served or
// migrated, in one line on stderr (no stack), non-zero exit. The settings a production start
// needs otherwise are in productionStart.e2e.test.ts; each case here breaks one thing.

const dir = mkdtempSync(join(tmpdir(), 'cco-production-refusals-'));
const tls = testCertificate();
const kh = new FakeIdentityProvider('https://idp.kh.example');
const cn = new FakeIdentityProvider('https://idp.cn.example');
const cnJwksFile = join(dir, 'cn-jwks.json');
let db: TestDatabase<any>;

beforeAll(async () => {
  await kh.start(tls);
  await kh.addKey('kh-1', 'ES256');
  await cn.addKey('cn-1', 'EdDSA');
  writeFileSync(cnJwksFile, JSON.stringify(cn.jwks()));
  db = await createTestDatabase();
});
afterAll(async () => {
  await kh.stop();
  await db?.close();
});

const production = (): Record<string, string | undefined> => ({
  ...productionSettings({ kh, tls, cn: { issuer: cn.issuer, jwksFile: cnJwksFile }, databaseUrl: db.url }),
  METRICS_PORT: '0',
});
/** Outside production, on the development keys, its DATA_DIR of its own (the generated checkpoint key goes there). */
const development = (): Record<string, string | undefined> => ({ NODE_ENV: 'test', DATA_DIR: mkdtempSync(join(dir, 'data-')) });

/** A JWKS file of `keys`, for the cases below. */
function jwksFile(name: string, keys: object[]): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ keys }));
  return file;
}

describe('NODE_ENV: one notion of production', () => {
  it.each(['prod', 'staging', 'Prod uction'])('NODE_ENV=%s is refused, not taken for development', async (value) => {
    expectRefusal(
      await startRefused({ ...production(), NODE_ENV: value }),
      /^refusing to start: NODE_ENV=.* is none of production, development, test/,
    );
  });

  it.each(['Production', ' PRODUCTION '])('NODE_ENV=%j is production: its checks apply', async (value) => {
    const refusal = await startRefused({ ...production(), NODE_ENV: value, JWT_SECRET: randomBytes(32).toString('base64url') });
    expectRefusal(refusal, /^refusing to start \(NODE_ENV=production\): JWT_SECRET is for development only/);
  });

  it('a production spelled otherwise still requires the checkpoint key (loadCheckpointSigner asks the same notion)', async () => {
    const refusal = await startRefused({ ...production(), NODE_ENV: 'Production', CHECKPOINT_SIGNING_KEY: undefined });
    expectRefusal(refusal, /^refusing to start \(NODE_ENV=production\): CHECKPOINT_SIGNING_KEY is required/);
  });
});

describe('key sets', () => {
  it('production refuses a plain http:// JWKS URL, even to this machine', async () => {
    const refusal = await startRefused({ ...production(), AUTH_KH_JWKS: kh.url.replace('https:', 'http:') });
    expectRefusal(refusal, /AUTH_KH_JWKS: plain http:\/\/ is refused in production/);
  });

  it('outside production plain http:// is allowed to this machine only', async () => {
    const refusal = await startRefused({
      ...development(),
      DATABASE_URL: db.url,
      AUTH_KH_JWKS: 'http://idp.kh.example/jwks.json',
      AUTH_KH_ISSUER: kh.issuer,
    });
    expectRefusal(refusal, /^refusing to start: AUTH_KH_JWKS: plain http:\/\/ only to this machine/);
  });

  it('the same key set for both parties is refused', async () => {
    expectRefusal(
      await startRefused({ ...production(), AUTH_KH_JWKS: cnJwksFile }),
      /AUTH_KH_JWKS and AUTH_CN_JWKS list the same key \(cn-1\)/,
    );
  });

  it('the same key in both sets is refused in any spelling (padding, standard base64) and under any kid', async () => {
    const [key] = cn.jwks().keys;
    const padded = { ...key, kid: 'kh-other', x: `${key!.x}=` };
    const standard = { ...key, kid: 'kh-std', x: Buffer.from(key!.x!, 'base64url').toString('base64') };
    for (const spelled of [padded, standard]) {
      const refusal = await startRefused({ ...production(), AUTH_KH_JWKS: jwksFile(`kh-${spelled.kid}`, [spelled]) });
      expectRefusal(refusal, new RegExp(`list the same key \\(${spelled.kid}\\)`));
    }
  });

  it('a JWKS file that is not a key set is refused at start', async () => {
    const file = join(dir, 'not-a-set.json');
    writeFileSync(file, '{"keys": ');
    expectRefusal(await startRefused({ ...production(), AUTH_CN_JWKS: file }), /AUTH_CN_JWKS: .* cannot be read as a JSON Web Key Set/);
  });
});

describe('the database', () => {
  it('production refuses the embedded PGlite (DATABASE_URL forgotten)', async () => {
    const refusal = await startRefused({ ...production(), DATABASE_URL: undefined, DATA_DIR: join(dir, 'pglite') });
    expectRefusal(
      refusal,
      /^refusing to start \(NODE_ENV=production\): DATABASE_URL is required: production does not run on the embedded PGlite/,
    );
  });

  it('a DATABASE_URL of another database is one line', async () => {
    const refusal = await startRefused({ ...development(), DATABASE_URL: 'mysql://root@127.0.0.1:3306/cco' });
    expectRefusal(refusal, /^refusing to start: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL \(not mysql/);
  });

  it('an unreachable database is waited for (one line), then refused in one line', async () => {
    const port = await freePort();
    const refusal = await startRefused({
      ...development(),
      DATABASE_URL: `postgres://postgres:secret-password@127.0.0.1:${port}/cco`,
      DATABASE_CONNECT_TIMEOUT: '2s',
    });
    expectRefusal(
      refusal,
      new RegExp(`^cannot start: the database at 127.0.0.1:${port}/cco did not answer within 2 s \\(\\d+ attempts; ECONNREFUSED`),
      {
        before: 1,
      },
    );
    expect(refusal.stderr.trim().split('\n')[0]).toMatch(
      new RegExp(`^waiting for the database at 127.0.0.1:${port}/cco \\(ECONNREFUSED.*\\): retrying for up to 2 s`),
    );
    expect(refusal.stderr).not.toContain('secret-password');
  });

  it('a role that does not own the tables, without MIGRATIONS_DATABASE_URL, is one line naming the fix', async () => {
    const empty = await createEmptyDatabase('nonowner');
    const role = `cco_t${process.pid}_svc${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query(`create role ${role} login`);
      const url = new URL(empty.url);
      url.username = role;
      url.password = '';
      const refusal = await startRefused({ ...development(), DATABASE_URL: url.toString() });
      expectRefusal(
        refusal,
        /^cannot start: this database role may not migrate \(it does not own the tables\): set MIGRATIONS_DATABASE_URL/,
      );
    } finally {
      await admin.query(`drop owned by ${role}`).catch(() => undefined);
      await admin.query(`drop role if exists ${role}`);
      await admin.end();
    }
  });

  it('METRICS_PORT in use is one line, before anything is migrated', async () => {
    const empty = await createEmptyDatabase('metrics');
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const refusal = await startRefused({ ...production(), DATABASE_URL: empty.url, METRICS_PORT: String(port) });
      expectRefusal(refusal, new RegExp(`^cannot start: METRICS_PORT ${port} on 127.0.0.1 is in use`));
    } finally {
      taken.close();
    }
    const check = new pg.Client({ connectionString: empty.url });
    await check.connect();
    try {
      const { rows } = await check.query(`select count(*)::int as n from pg_tables where schemaname = 'public'`);
      expect(rows[0].n).toBe(0);
    } finally {
      await check.end();
    }
  });
});
