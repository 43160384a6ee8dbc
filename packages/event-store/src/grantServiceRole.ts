import { sql, type Kysely, type RawBuilder } from 'kysely';
import { liveSchema, ownerSearchPath, rebuildSchemas, swapFunction } from './ownerSchema';

export interface ServiceGrants {
  /** The role the service connects as (DATABASE_URL's user). */
  role: string;
  /**
   * Tables the service owns outright: read models it rebuilds by swapping whole tables (only an
   * owner may move a table between schemas). They hold nothing the log does not.
   */
  ownedTables: readonly string[];
}

export { rebuildSchemas };

/** The migrator's own bookkeeping: the service has no business there. */
const migratorTables = new Set(['kysely_migration', 'kysely_migration_lock']);

/**
 * The one column of an append-only table that the service writes after the insert: a link's
 * Merkle leaf hash, which the chainer fills in for links chained before the tree existed. Granted
 * on the column only (UPDATE on the table stays refused), and event_chain's trigger lets it go
 * from NULL to a hash, once, with nothing else changed.
 */
const fillOnceColumns = [{ table: 'event_chain', column: 'leaf_hash' }] as const;

export type GrantOutcome = { kind: 'same-role' } | { kind: 'granted'; appendOnly: string[]; readWrite: string[]; owned: string[] };

/**
 * Gives the service role exactly what it needs, run by the tables' owner after every migration
 * (so a table added by any later migration is covered without naming it here):
 * - append-only tables (those guarded by the `cco_refuse_change` trigger: the log, its chain,
 *   the access log, and any added later the same way): SELECT and INSERT, nothing else (but
 *   UPDATE of the chain's leaf hash column, see fillOnceColumns);
 * - every other table of the schema: SELECT, INSERT, UPDATE, DELETE (never TRUNCATE,
 *   REFERENCES or TRIGGER); views: SELECT;
 * - `ownedTables` and whatever a rebuild left in its schemas: owned by the service;
 * - the live schema: USAGE only, never CREATE (the owner resolves names there), and EXECUTE on
 *   the owner's swap function through which a rebuild puts its table in place; the rebuild
 *   schemas: USAGE and CREATE (the owner resolves no name there);
 * - sequences: USAGE and SELECT; default privileges so that a table created by a migration
 *   run any other way can at least be read and appended to until this runs again.
 * Owning neither the log nor its triggers, the service can neither rewrite history nor
 * disable the triggers that refuse it. Idempotent; instances starting at once take turns.
 */
export async function grantServiceRole(db: Kysely<any>, grants: ServiceGrants): Promise<GrantOutcome> {
  return db.transaction().execute(async (trx) => {
    // Whatever the connection's own setting: names resolve in pg_catalog first, then the live
    // schema, where only the owner creates. Every call below is qualified and every parameter
    // typed anyway, so that no overload elsewhere can be the better match (CVE-2018-1058).
    await sql`select pg_catalog.set_config('search_path', ${ownerSearchPath}::pg_catalog.text, true)`.execute(trx);
    // Concurrent GRANTs on one object fail with "tuple concurrently updated": one at a time.
    await sql`select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('cco_grant_service_role'::pg_catalog.text))`.execute(trx);
    const { rows: who } = await sql<{ me: string; exists: boolean; inOwner: boolean; ownerInService: boolean }>`
      select current_user as me, r.oid is not null as exists,
        r.oid is not null and pg_catalog.pg_has_role(r.oid, (select oid from pg_catalog.pg_roles where rolname = current_user), 'MEMBER'::pg_catalog.text) as "inOwner",
        r.oid is not null and pg_catalog.pg_has_role((select oid from pg_catalog.pg_roles where rolname = current_user), r.oid, 'MEMBER'::pg_catalog.text) as "ownerInService"
      from (select) as one left join pg_catalog.pg_roles r on r.rolname = ${grants.role}::pg_catalog.name`.execute(trx);
    const { me, exists, inOwner, ownerInService } = who[0]!;
    const schema = liveSchema;
    if (grants.role === me) return { kind: 'same-role' };
    if (!exists) throw new Error(`the service role ${grants.role} does not exist: create it (LOGIN) before migrating`);
    if (inOwner)
      throw new Error(
        `the service role ${grants.role} is a member of the owner ${me}: it would own the log; revoke ${me} from ${grants.role}`,
      );
    if (!ownerInService)
      throw new Error(`the owner ${me} must be a member of the service role to hand it the read models: GRANT ${grants.role} TO ${me}`);
    const role = sql.id(grants.role);

    await sql`grant usage on schema ${sql.id(schema)} to ${role}`.execute(trx);
    // No CREATE on the live schema (secureOwnerSchemas revoked it): a rebuild swaps its table in
    // through the owner's function, which the service may execute.
    const swap = sql.id(schema, swapFunction);
    const { rows: executable } = await sql<{ granted: boolean }>`
      select pg_catalog.has_function_privilege(${grants.role}::pg_catalog.name, p.oid, 'EXECUTE'::pg_catalog.text) as granted
      from pg_catalog.pg_proc p where p.pronamespace = ${schema}::pg_catalog.regnamespace and p.proname = ${swapFunction}::pg_catalog.name`.execute(
      trx,
    );
    if (executable[0] && !executable[0].granted) await sql`grant execute on function ${swap}(pg_catalog.text) to ${role}`.execute(trx);
    for (const name of rebuildSchemas) {
      await sql`create schema if not exists ${sql.id(name)}`.execute(trx);
      await sql`grant usage, create on schema ${sql.id(name)} to ${role}`.execute(trx);
    }

    // `granted`: what the role holds on the table directly, so that a start with nothing to
    // change rewrites no catalog row (and cannot collide with a rebuild swapping a table).
    const { rows: tables } = await sql<{
      schema: string;
      name: string;
      kind: string;
      owner: string;
      appendOnly: boolean;
      granted: string[];
    }>`
      select n.nspname as schema, c.relname as name, c.relkind::pg_catalog.text as kind, pg_catalog.pg_get_userbyid(c.relowner) as owner,
        exists (select from pg_catalog.pg_trigger t join pg_catalog.pg_proc p on p.oid = t.tgfoid
                where t.tgrelid = c.oid and p.proname = 'cco_refuse_change'::pg_catalog.name) as "appendOnly",
        array(select a.privilege_type::pg_catalog.text
              from pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r'::pg_catalog.char, c.relowner))) a
              where a.grantee = (select oid from pg_catalog.pg_roles where rolname = ${grants.role}::pg_catalog.name) order by 1) as granted
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm') and n.nspname = any(${[schema, ...rebuildSchemas]}::pg_catalog.text[])
      order by n.nspname, c.relname`.execute(trx);
    const outcome = { kind: 'granted' as const, appendOnly: [] as string[], readWrite: [] as string[], owned: [] as string[] };
    for (const t of tables) {
      const table = sql.id(t.schema, t.name);
      // Tables the service already owns stay its own (revoking from an owner would lock it out
      // of its own read model); only the log's kind may never be the service's.
      if (t.schema !== schema || grants.ownedTables.includes(t.name) || t.owner === grants.role) {
        if (t.appendOnly) throw new Error(`${t.name} is append-only: the service must not own it`);
        if (t.owner !== grants.role) await handOver(trx, table, t.schema, role);
        outcome.owned.push(t.name);
        continue;
      }
      // Views and materialized views are read.
      const view = t.kind === 'v' || t.kind === 'm';
      const want = migratorTables.has(t.name)
        ? []
        : view
          ? ['SELECT']
          : t.appendOnly
            ? ['INSERT', 'SELECT']
            : ['DELETE', 'INSERT', 'SELECT', 'UPDATE'];
      if (!migratorTables.has(t.name) && !view) (t.appendOnly ? outcome.appendOnly : outcome.readWrite).push(t.name);
      if (t.granted.join() === want.join()) continue;
      await sql`revoke all on ${table} from ${role}`.execute(trx);
      if (want.length > 0) await sql`grant ${sql.raw(want.join(', '))} on ${table} to ${role}`.execute(trx);
    }
    for (const { table, column } of fillOnceColumns) {
      // Only when missing: a start with nothing to change rewrites no catalog row.
      const { rows } = await sql<{ granted: boolean }>`
        select case when a.attacl is null then false
                    else exists (select from pg_catalog.aclexplode(a.attacl) x
                                 where x.grantee = (select oid from pg_catalog.pg_roles where rolname = ${grants.role}::pg_catalog.name)
                                   and x.privilege_type = 'UPDATE') end as granted
        from pg_catalog.pg_attribute a
        where a.attrelid = pg_catalog.to_regclass(pg_catalog.format('%I.%I'::pg_catalog.text, ${schema}::pg_catalog.text, ${table}::pg_catalog.text))
          and a.attname = ${column}::pg_catalog.name and not a.attisdropped`.execute(trx);
      if (rows[0] && !rows[0].granted) await sql`grant update (${sql.id(column)}) on ${sql.id(schema, table)} to ${role}`.execute(trx);
    }
    await sql`grant usage, select on all sequences in schema ${sql.id(schema)} to ${role}`.execute(trx);
    await sql`alter default privileges in schema ${sql.id(schema)} grant select, insert on tables to ${role}`.execute(trx);
    await sql`alter default privileges in schema ${sql.id(schema)} grant usage, select on sequences to ${role}`.execute(trx);
    return outcome;
  });
}

/**
 * Gives the service a table. PostgreSQL lets a table change hands only to a role that may create
 * in its schema; the service may not in the live schema, so it gets CREATE there for this
 * statement only, inside the owner's transaction: revoked before commit, never visible to it.
 */
async function handOver(trx: Kysely<any>, table: RawBuilder<unknown>, schema: string, role: RawBuilder<unknown>): Promise<void> {
  const lend = schema === liveSchema;
  if (lend) await sql`grant create on schema ${sql.id(schema)} to ${role}`.execute(trx);
  await sql`alter table ${table} owner to ${role}`.execute(trx);
  if (lend) await sql`revoke create on schema ${sql.id(schema)} from ${role}`.execute(trx);
}

/**
 * Run as the service at start: refuses a connection that could rewrite the log (it may update
 * or delete events, or is, or is a member of, their owner and so could disable the triggers).
 */
export async function assertCannotRewriteHistory(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ table: string; me: string; update: boolean; delete: boolean; truncate: boolean; owner: boolean }>`
    select t as table, current_user as me,
      has_table_privilege(t, 'UPDATE') as update, has_table_privilege(t, 'DELETE') as delete,
      has_table_privilege(t, 'TRUNCATE') as truncate,
      pg_has_role((select relowner from pg_class where oid = t::regclass), 'MEMBER') as owner
    from unnest(array['events', 'event_chain']) as t`.execute(db);
  for (const r of rows) {
    if (r.update || r.delete || r.truncate || r.owner) {
      throw new Error(
        `MIGRATIONS_DATABASE_URL is set, yet the service's role ${r.me} can rewrite ${r.table} ` +
          `(${r.owner ? 'it owns it or is a member of its owner' : 'it may update, delete or truncate it'}): connect DATABASE_URL as a role that does not own the tables`,
      );
    }
  }
}
