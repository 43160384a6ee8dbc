import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { deportationFiling } from '@cco/testkit';
import { withDatabase } from '../../../test/support/globalSetup';
import { startTestApp, type TestApp } from '../../../test/support/testApp';

// Every reader of the log (the global log endpoint, the chainer, the projections) waits only
// for transactions that can still write to this database, and /health names one that waits
// too long. (The relay reads through the same readAll: packages/event-store's bound test.)

let t: TestApp;
let neighbour: { name: string; client: pg.Client };

async function asAdmin(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

beforeAll(async () => {
  t = await startTestApp({ workers: true, holdbackAlertMs: 300 });
  const name = `cco_neighbour_${randomBytes(5).toString('hex')}`;
  await asAdmin(`create database ${name}`);
  const client = new pg.Client({ connectionString: withDatabase(inject('pgAdminUrl'), name) });
  await client.connect();
  neighbour = { name, client };
});
afterAll(async () => {
  await neighbour.client.end();
  await asAdmin(`drop database if exists ${neighbour.name} with (force)`);
  await t.close();
});

async function within<T>(ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('a write transaction open in another database: a new case reaches the log, the chain and the board within 1 s', async () => {
  await neighbour.client.query('begin');
  await neighbour.client.query('select pg_current_xact_id()');
  try {
    const auditor = t.token('KH', 'auditor');
    const filed = await t.request('POST', '/v1/cases', { token: t.token('CN', 'officer'), body: deportationFiling });
    expect(filed.status).toBe(201);
    const started = Date.now();
    const [event] = (await t.request('GET', `/v1/cases/${filed.body.id}/events`, { token: auditor })).body.items;
    await within(1000, async () => {
      const log = await t.request('GET', `/v1/events?limit=1000`, { token: auditor });
      return log.body.items.some((e: { id: string }) => e.id === event.id) || undefined;
    });
    await within(1000 - (Date.now() - started), async () => {
      const head = await t.request('GET', '/v1/audit/chain-head', { token: auditor });
      return head.status === 200 && BigInt(head.body.position) >= BigInt(event.position) ? true : undefined;
    });
    await within(1000 - (Date.now() - started), async () => {
      const board = await t.request('GET', '/v1/cases?limit=100', { token: t.token('KH', 'officer') });
      return board.body.items.some((c: { id: string }) => c.id === filed.body.id) || undefined;
    });
    // The neighbour's transaction is nobody's concern here.
    expect((await t.request('GET', '/health')).body).toMatchObject({ status: 'ok' });
  } finally {
    await neighbour.client.query('rollback');
  }
});

it('a write transaction of this database open too long: /health is degraded naming it, and the metric shows its age', async () => {
  const mine = new pg.Client({ connectionString: t.database.url });
  await mine.connect();
  try {
    await mine.query('begin');
    await mine.query('select pg_current_xact_id()');
    const { rows } = await mine.query<{ pid: number }>('select pg_backend_pid() as pid');
    const health = await within(5000, async () => {
      const answer = await t.request('GET', '/health');
      return answer.body.status === 'degraded' ? answer : undefined;
    });
    expect(health.status).toBe(200);
    expect(health.body.holdback.pid).toBe(rows[0]!.pid);
    // Degraded once past 300 ms; the answer rounds to the millisecond, so 0.3004 reads 0.3.
    expect(health.body.holdback.seconds).toBeGreaterThanOrEqual(0.3);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const age = Number(/^cco_log_holdback_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(age).toBeGreaterThanOrEqual(0.3);
    await mine.query('rollback');
    await within(5000, async () => ((await t.request('GET', '/health')).body.status === 'ok' ? true : undefined));
  } finally {
    await mine.end();
  }
});
