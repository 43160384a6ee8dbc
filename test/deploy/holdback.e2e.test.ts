import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serverProcess, type ServerProcess } from '@cco/testkit';
import { createTwoRoleDatabase, type TwoRoleDatabase } from './support';

// The holdback alert under the documented two roles: the service's role cannot read another
// role's xact_start in pg_stat_activity, yet a long write transaction of another role in the
// same database (here the owner's) still makes /health degraded and shows in the metric.

let roles: TwoRoleDatabase;
let server: ServerProcess;

beforeAll(async () => {
  roles = await createTwoRoleDatabase('holdback');
  server = await serverProcess({ DATABASE_URL: roles.serviceUrl, MIGRATIONS_DATABASE_URL: roles.ownerUrl, READER_HOLDBACK_ALERT: '1s' });
  await server.start();
});
afterAll(async () => {
  await server?.stop();
  await roles?.drop();
});

it("another role's write transaction held open: /health degraded with its age, the metric above zero; ok again once it ends", async () => {
  const other = new pg.Client({ connectionString: roles.ownerUrl });
  await other.connect();
  try {
    await other.query('begin');
    await other.query('select pg_current_xact_id()');
    const pid = (await other.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    // The premise: as the service, its start is hidden.
    const service = new pg.Client({ connectionString: roles.serviceUrl });
    await service.connect();
    try {
      const seen = await service.query('select xact_start, backend_xid from pg_stat_activity where pid = $1', [pid]);
      expect(seen.rows[0]).toMatchObject({ xact_start: null });
      expect(seen.rows[0]?.backend_xid).not.toBeNull();
    } finally {
      await service.end();
    }
    let health: any;
    await expect
      .poll(
        async () => {
          health = await (await fetch(`${server.url}/health`)).json();
          return health.status;
        },
        { timeout: 15_000, interval: 250 },
      )
      .toBe('degraded');
    expect(health.holdback.pid).toBe(pid);
    expect(health.holdback.seconds).toBeGreaterThan(1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(Number(/^cco_log_holdback_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(1);
    await other.query('rollback');
    await expect
      .poll(async () => ((await (await fetch(`${server.url}/health`)).json()) as { status: string }).status, {
        timeout: 10_000,
        interval: 250,
      })
      .toBe('ok');
  } finally {
    await other.end();
  }
});
