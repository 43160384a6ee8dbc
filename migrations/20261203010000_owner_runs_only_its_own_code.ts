import { sql, type Kysely } from 'kysely';

/**
 * The tables' owner never runs the service role's code (CVE-2018-1058; see
 * packages/event-store/src/secureOwnerSchemas.ts).
 *
 * 1. The trigger functions resolve every name in pg_catalog alone, whoever fires them and
 *    whatever that session's search_path: they name nothing of their own schema.
 * 2. A rebuilt read model reaches the live schema through this owner's function instead of the
 *    service's CREATE on that schema (which let the service plant functions and operators the
 *    owner then called). SECURITY DEFINER, so it runs as the owner; its search_path is
 *    pg_catalog alone and every name it builds is quoted with format('%I'). It moves only:
 *    - a table of the schema it lives in that the caller's role owns, never an append-only one
 *      (the owner hands over exactly the read models, and the service can no longer create
 *      tables there: ownership is the allow-list, and the service could already drop or
 *      rewrite these tables);
 *    - with a same-named table in cco_rebuild owned by the same role and carrying no trigger,
 *      rule, policy or row security (nothing that would run when someone writes it).
 *    ALTER TABLE … SET SCHEMA and DROP TABLE run no user code, so nothing planted on either
 *    table runs as the owner here. EXECUTE for the service is granted by grantServiceRole.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter function cco_refuse_change() set search_path = pg_catalog`.execute(db);
  await sql`alter function cco_event_chain_fill_leaf() set search_path = pg_catalog`.execute(db);

  const { rows } = await sql<{ schema: string }>`select pg_catalog.current_schema() as schema`.execute(db);
  const live = rows[0]!.schema;
  await sql`
    create function cco_swap_read_model(read_model text) returns void
    language plpgsql security definer set search_path = pg_catalog as $fn$
    declare
      live_schema constant name := ${sql.lit(live)};
      caller constant name := session_user;
      live_table oid;
      shadow oid;
    begin
      select c.oid into live_table from pg_class c
      where c.relnamespace = live_schema::regnamespace and c.relname = read_model and c.relkind = 'r'
        and pg_has_role(caller, c.relowner, 'USAGE')
        and not exists (select from pg_trigger t join pg_proc p on p.oid = t.tgfoid
                        where t.tgrelid = c.oid and p.proname in ('cco_refuse_change', 'cco_event_chain_fill_leaf'));
      if live_table is null then
        raise exception 'not a read model of %: %', caller, read_model using errcode = '42501';
      end if;
      select c.oid into shadow from pg_class c
      where c.relnamespace = 'cco_rebuild'::regnamespace and c.relname = read_model and c.relkind = 'r'
        and c.relowner = (select relowner from pg_class where oid = live_table);
      if shadow is null then
        raise exception 'no rebuilt % owned by its read model''s owner', read_model using errcode = '42P01';
      end if;
      execute format('lock table %I.%I, cco_rebuild.%I in access exclusive mode', live_schema, read_model, read_model);
      if exists (select from pg_trigger where tgrelid = shadow and not tgisinternal)
         or exists (select from pg_rewrite where ev_class = shadow)
         or exists (select from pg_policy where polrelid = shadow)
         or (select relrowsecurity from pg_class where oid = shadow) then
        raise exception 'the rebuilt % carries a trigger, rule or policy: refused', read_model using errcode = '42501';
      end if;
      execute format('drop table if exists cco_retired.%I', read_model);
      execute format('alter table %I.%I set schema cco_retired', live_schema, read_model);
      execute format('alter table cco_rebuild.%I set schema %I', read_model, live_schema);
      execute format('drop table cco_retired.%I', read_model);
    end $fn$`.execute(db);
  await sql`revoke all on function cco_swap_read_model(text) from public`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function cco_swap_read_model(text)`.execute(db);
  await sql`alter function cco_refuse_change() reset search_path`.execute(db);
  await sql`alter function cco_event_chain_fill_leaf() reset search_path`.execute(db);
}
