import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serverProcess } from '@cco/testkit';
import { createTwoRoleDatabase, type TwoRoleDatabase } from '../../../test/deploy/support';
import { FakeIdentityProvider } from './identityProvider';
import { generateSignerKey } from '@cco/transparency-log';
import { refusalLine, startRefused } from './productionSupport';

// Production never serves through a connection that could rewrite the log (a superuser, or the
// tables' owner) without being told it may: one line, no stack, non-zero exit.

const dir = mkdtempSync(join(tmpdir(), 'cco-production-roles-'));
let roles: TwoRoleDatabase;
let production: Record<string, string>;

beforeAll(async () => {
  roles = await createTwoRoleDatabase('prodroles');
  const jwks: Record<string, string> = {};
  for (const party of ['KH', 'CN']) {
    const idp = new FakeIdentityProvider(`https://idp.${party.toLowerCase()}.example`);
    await idp.addKey(`${party}-1`, 'ES256');
    jwks[party] = join(dir, `${party}.json`);
    writeFileSync(jwks[party], JSON.stringify(idp.jwks()));
  }
  production = {
    NODE_ENV: 'production',
    AUTH_KH_JWKS: jwks.KH!,
    AUTH_KH_ISSUER: 'https://idp.kh.example',
    AUTH_CN_JWKS: jwks.CN!,
    AUTH_CN_ISSUER: 'https://idp.cn.example',
    PERSONAL_DATA_KEY: randomBytes(32).toString('base64'),
    CHECKPOINT_SIGNING_KEY: generateSignerKey('cco.test/roles').privateKey,
  };
});
afterAll(() => roles?.drop());

const refused = async (env: Record<string, string>) => refusalLine(await startRefused({ ...production, ...env }));

it('refuses the owner on an empty database (it would create and own the tables), then the owner and a superuser on a migrated one', async () => {
  expect(await refused({ DATABASE_URL: roles.ownerUrl })).toMatch(
    new RegExp(
      `^refusing to start \\(NODE_ENV=production\\): DATABASE_URL logs in as ${roles.owner}, about to create the tables and own them: .*ALLOW_OWNER_CONNECTION=true`,
    ),
  );
  // The documented set-up starts, and migrates.
  const least = await serverProcess({
    ...production,
    DATABASE_URL: roles.serviceUrl,
    MIGRATIONS_DATABASE_URL: roles.ownerUrl,
    METRICS_PORT: '0',
  });
  await least.start();
  await least.stop();
  expect(await refused({ DATABASE_URL: roles.ownerUrl })).toMatch(
    /DATABASE_URL logs in as \S+, the tables' owner \(or a member of it\): it could rewrite the log/,
  );
  expect(await refused({ DATABASE_URL: roles.adminUrl })).toMatch(/DATABASE_URL logs in as \S+, a superuser: /);
  expect(await refused({ DATABASE_URL: roles.adminUrl, ALLOW_OWNER_CONNECTION: 'yes' })).toMatch(
    /ALLOW_OWNER_CONNECTION must be true or false/,
  );
});

it('starts as the owner when ALLOW_OWNER_CONNECTION=true says so', async () => {
  const allowed = await serverProcess({ ...production, DATABASE_URL: roles.ownerUrl, ALLOW_OWNER_CONNECTION: 'true', METRICS_PORT: '0' });
  try {
    await allowed.start();
    expect((await fetch(`${allowed.url}/health`)).status).toBe(200);
  } finally {
    await allowed.stop();
  }
});
