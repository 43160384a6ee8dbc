import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/testApp';

// The orchestrator's probes: live answers without the database; ready needs the database (and
// the process not shutting down). The database "goes down" for this app alone: connections to
// its own database are refused and the open ones ended, as a restart would.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await setConnections(true).catch(() => undefined);
  await t?.close();
});

async function setConnections(allowed: boolean): Promise<void> {
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  try {
    await admin.query(`alter database ${t.database.name} allow_connections ${allowed}`);
    if (!allowed) await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [t.database.name]);
  } finally {
    await admin.end();
  }
}

it('live and ready while all is well; ready 503 (live still 200) while the database is down; ready again after', async () => {
  expect(await t.request('GET', '/health/live')).toMatchObject({ status: 200, body: { status: 'live' } });
  expect(await t.request('GET', '/health/ready')).toMatchObject({
    status: 200,
    body: { status: 'ready', database: 'up', shuttingDown: false },
  });
  await setConnections(false);
  try {
    expect(await t.request('GET', '/health/ready')).toMatchObject({ status: 503, body: { status: 'unavailable', database: 'down' } });
    expect(await t.request('GET', '/health/live')).toMatchObject({ status: 200, body: { status: 'live' } });
  } finally {
    await setConnections(true);
  }
  expect(await t.request('GET', '/health/ready')).toMatchObject({ status: 200, body: { status: 'ready' } });
});

it('ready is 503 once the process is shutting down', async () => {
  const closing = await startTestApp();
  expect((await closing.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  const closed = closing.app.close();
  const during = await closing.app.inject({ method: 'GET', url: '/health/ready' });
  await closed;
  await closing.database.close().catch(() => undefined);
  expect(during.statusCode).toBe(503);
  expect(during.json()).toMatchObject({ status: 'unavailable', shuttingDown: true });
});
