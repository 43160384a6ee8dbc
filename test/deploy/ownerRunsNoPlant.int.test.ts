import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateFor, openDatabase, type Database } from '../../packages/event-store/src/index';
import { findProjection, projectionTables, rebuildProjection } from '../../packages/projections/src/index';
import { migrations } from '../../migrations/index';
import { createTwoRoleDatabase, errorCodeOf, query, type TwoRoleDatabase } from './support';

// CVE-2018-1058: the service role must never get the tables' owner to run its code. As the
// service, plant functions and operators where it can and where it no longer may; as a
// superuser, plant what an older service could have planted in `public` (overloads that are a
// better match for an untyped argument than pg_catalog's); then restart (the owner migrates
// and grants) and rebuild. Every plant writes current_user into a table when called: the
// owner's name never appears there.

let roles: TwoRoleDatabase;
let service: Database<any>;

async function run(url: string, ...statements: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const text of statements) await c.query(text);
  } finally {
    await c.end();
  }
}

/** What every process does at start with MIGRATIONS_DATABASE_URL: the owner migrates and grants. */
const restart = () => migrateFor(service, migrations, projectionTables, roles.ownerUrl);

/** A function body that records who called it (the plants' common part). */
const record = (what: string) => `insert into public.cco_calls (who, what) values (current_user, '${what}')`;

beforeAll(async () => {
  roles = await createTwoRoleDatabase('plant');
  service = await openDatabase<any>({ url: roles.serviceUrl, poolSize: 4 });
  await restart();
  await run(
    roles.adminUrl,
    'create table public.cco_calls (who name not null, what text not null)',
    'grant insert on public.cco_calls to public',
  );
});
afterAll(async () => {
  await service?.close();
  await roles?.drop();
});

it('as the service role, nothing can be created in public any more (neither functions nor operators nor tables)', async () => {
  expect(
    await errorCodeOf(
      roles.serviceUrl,
      `create function public.pg_has_role(text, name, text) returns boolean language plpgsql as $$ begin ${record('service plant')}; return pg_catalog.pg_has_role($1::name, $2, $3); end $$`,
    ),
  ).toBe('42501');
  expect(
    await errorCodeOf(
      roles.serviceUrl,
      `create function cco_rebuild.f(text, name) returns boolean language sql as 'select true';
       create operator public.=== (leftarg = text, rightarg = name, function = cco_rebuild.f)`,
    ),
  ).toBe('42501');
  expect(await errorCodeOf(roles.serviceUrl, 'create table public.anything (x int)')).toBe('42501');
  // A database where an older release granted it (to the service, and PUBLIC before PostgreSQL 15):
  // the next start revokes both.
  await run(roles.adminUrl, `grant create on schema public to ${roles.service}`, 'grant create on schema public to public');
  await restart();
  // And PUBLIC (every role) may not either.
  const [can] = await query<{ service: boolean; anyone: boolean }>(
    roles.adminUrl,
    `select has_schema_privilege($1, 'public', 'CREATE') as service,
       exists (select from pg_namespace n, aclexplode(n.nspacl) a where n.nspname = 'public' and a.grantee = 0 and a.privilege_type = 'CREATE') as anyone`,
    [roles.service],
  );
  expect(can).toEqual({ service: false, anyone: false });
});

it('the owner refuses to migrate, naming it, while the service has attached code of its own to a table of the schemas', async () => {
  // What the service still can: functions and operators in its rebuild schema, and code on the
  // tables it owns (the read models).
  await run(
    roles.serviceUrl,
    `create function cco_rebuild.on_write() returns trigger language plpgsql as $$ begin ${record('trigger')}; return new; end $$`,
    `create function cco_rebuild.pg_has_role(text, name, text) returns boolean language plpgsql as $$ begin ${record('rebuild-schema plant')}; return pg_catalog.pg_has_role($1::name, $2, $3); end $$`,
    `create function cco_rebuild.eq(text, text) returns boolean language plpgsql as $$ begin ${record('operator')}; return $1 operator(pg_catalog.=) $2; end $$`,
    'create operator cco_rebuild.= (leftarg = text, rightarg = text, function = cco_rebuild.eq)',
    `create function cco_rebuild.stamp() returns text language plpgsql as $$ begin ${record('default')}; return 'x'; end $$`,
  );
  const attempts: [string, string, string, RegExp][] = [
    [
      'a trigger on a read model',
      'create trigger planted before insert on public.case_board for each row execute function cco_rebuild.on_write()',
      'drop trigger planted on public.case_board',
      /trigger planted on case_board/,
    ],
    [
      "a default calling the service's function",
      'alter table public.case_board add column planted text default cco_rebuild.stamp()',
      'alter table public.case_board drop column planted',
      /column planted of table case_board uses function cco_rebuild\.stamp\(\)/,
    ],
    [
      'a rule on a read model',
      'create rule planted as on insert to public.statistics_cases do also select 1',
      'drop rule planted on public.statistics_cases',
      /rule planted on statistics_cases/,
    ],
    [
      'row security on a read model',
      'alter table public.statistics_daily enable row level security',
      'alter table public.statistics_daily disable row level security',
      /row security on statistics_daily/,
    ],
  ];
  for (const [name, plant, remove, says] of attempts) {
    await run(roles.serviceUrl, plant);
    await expect(restart(), name).rejects.toThrow(says);
    await run(roles.serviceUrl, remove);
  }
  // An older plant in public, owned by the service (from when it had CREATE there).
  await run(
    roles.adminUrl,
    `create function public.hashtext(text) returns integer language plpgsql as $$ begin ${record('legacy plant')}; return pg_catalog.hashtext($1); end $$`,
    `alter function public.hashtext(text) owner to ${roles.service}`,
  );
  await expect(restart()).rejects.toThrow(/function public\.hashtext\(text\) is not the owner.s/);
  await run(roles.adminUrl, 'drop function public.hashtext(text)');
  expect(await query(roles.adminUrl, `select who, what from public.cco_calls where who <> $1`, [roles.service])).toEqual([]);
});

it("after plants the owner trusts by their owner (a superuser's, simulating an older one) and the service's own, a restart and a rebuild never run any as the owner", async () => {
  // Better matches than pg_catalog's for an untyped argument, as the reproduction.
  await run(
    roles.adminUrl,
    `create function public.pg_has_role(text, name, text) returns boolean language plpgsql as $$
       begin ${record('pg_has_role')};
         execute 'create or replace function public.cco_backdoor() returns void language sql security definer as ''select 1''';
         return pg_catalog.pg_has_role($1::name, $2, $3); end $$`,
    `create function public.probe_eq(name, text) returns boolean language plpgsql as $$ begin ${record('= operator')}; return $1::text operator(pg_catalog.=) $2; end $$`,
    'create operator public.= (leftarg = name, rightarg = text, function = public.probe_eq)',
    `create function public.probe_concat(text, text) returns text language plpgsql as $$ begin ${record('|| operator')}; return $1 operator(pg_catalog.||) $2; end $$`,
    'create operator public.|| (leftarg = text, rightarg = text, function = public.probe_concat)',
  );
  // Restart, twice (the second finds nothing to change), and a rebuild of every projection.
  await restart();
  await restart();
  for (const name of ['case_board', 'statistics']) expect((await rebuildProjection(service.db, findProjection(name)!)).equal).toBe(true);
  await restart();

  const calls = await query<{ who: string; what: string }>(
    roles.adminUrl,
    'select distinct who, what from public.cco_calls where who <> $1',
    [roles.service],
  );
  expect(calls).toEqual([]);
  // No SECURITY DEFINER function of the owner's but its own swap.
  const definers = await query<{ fn: string }>(
    roles.adminUrl,
    `select p.oid::regprocedure::text as fn from pg_proc p where p.prosecdef and pg_get_userbyid(p.proowner) = $1 order by 1`,
    [roles.owner],
  );
  expect(definers.map((d) => d.fn)).toEqual(['cco_swap_read_model(text)']);
  // The owner's trigger functions resolve their names in pg_catalog alone.
  const pinned = await query<{ name: string; config: string[] | null }>(
    roles.adminUrl,
    `select proname as name, proconfig as config from pg_proc where proname in ('cco_refuse_change', 'cco_event_chain_fill_leaf') order by 1`,
  );
  expect(pinned).toEqual([
    { name: 'cco_event_chain_fill_leaf', config: ['search_path=pg_catalog'] },
    { name: 'cco_refuse_change', config: ['search_path=pg_catalog'] },
  ]);
});

it("the owner's swap function moves only a read model the caller owns, from cco_rebuild, with nothing attached", async () => {
  expect(await errorCodeOf(roles.serviceUrl, `select public.cco_swap_read_model('events')`)).toBe('42501');
  expect(await errorCodeOf(roles.serviceUrl, `select public.cco_swap_read_model('checkpoints')`)).toBe('42501');
  expect(await errorCodeOf(roles.serviceUrl, `select public.cco_swap_read_model('no_such_table')`)).toBe('42501');
  const planted = await errorCodeOf(
    roles.serviceUrl,
    `create table cco_rebuild.case_board (like public.case_board including all);
     create trigger planted before insert on cco_rebuild.case_board for each row execute function cco_rebuild.on_write();
     select public.cco_swap_read_model('case_board')`,
  );
  expect(planted).toBe('42501');
  // Nobody else may call it.
  const [fn] = await query<{ anyone: boolean }>(
    roles.adminUrl,
    `select has_function_privilege('public', 'public.cco_swap_read_model(text)', 'EXECUTE') as anyone`,
  );
  expect(fn!.anyone).toBe(false);
});
