import { sql, type Kysely } from 'kysely';
import { liveSchema, rebuildSchemas } from './ownerSchema';

/**
 * What in the owner's schemas is another role's code that the owner could end up running or
 * resolving a name to (see secureOwnerSchemas for why each kind counts). Trusted: the owner
 * (current_user) and superusers. Builtins are pinned and have no pg_depend rows, so only
 * objects someone created show up. Every name is schema-qualified: run on the owner's pinned
 * search_path, but fit for any.
 */
export async function findForeignCode(trx: Kysely<any>, ownedTables: readonly string[]): Promise<string[]> {
  const schemas = [liveSchema, ...rebuildSchemas];
  const { rows } = await sql<{ object: string }>`
    with trusted as (
      select r.oid from pg_catalog.pg_roles r where r.rolsuper or r.rolname = current_user
    ), live as (
      select oid from pg_catalog.pg_namespace where nspname = ${liveSchema}::pg_catalog.name
    ), schemas as (
      select oid from pg_catalog.pg_namespace where nspname = any(${schemas}::pg_catalog.text[])
    ), owned as (
      select c.oid from pg_catalog.pg_class c
      where c.relnamespace in (select oid from live) and c.relname = any(${ownedTables}::pg_catalog.text[]) and c.relkind in ('r', 'p')
    ), resolvable(object, owner) as (
      select 'function ' || p.oid::pg_catalog.regprocedure::pg_catalog.text, p.proowner from pg_catalog.pg_proc p
        where p.pronamespace in (select oid from live)
      union all select 'operator ' || o.oid::pg_catalog.regoperator::pg_catalog.text, o.oprowner from pg_catalog.pg_operator o
        where o.oprnamespace in (select oid from live)
      union all select 'type ' || t.oid::pg_catalog.regtype::pg_catalog.text, t.typowner from pg_catalog.pg_type t
        where t.typnamespace in (select oid from live) and t.typrelid = 0
          and not exists (select from pg_catalog.pg_type e where e.oid = t.typelem and e.typrelid <> 0)
      union all select 'collation ' || c.collname, c.collowner from pg_catalog.pg_collation c where c.collnamespace in (select oid from live)
      union all select 'conversion ' || c.conname, c.conowner from pg_catalog.pg_conversion c where c.connamespace in (select oid from live)
      union all select 'text search configuration ' || c.cfgname, c.cfgowner from pg_catalog.pg_ts_config c where c.cfgnamespace in (select oid from live)
      union all select 'text search dictionary ' || c.dictname, c.dictowner from pg_catalog.pg_ts_dict c where c.dictnamespace in (select oid from live)
      union all select 'operator class ' || c.opcname, c.opcowner from pg_catalog.pg_opclass c where c.opcnamespace in (select oid from live)
      union all select 'operator family ' || c.opfname, c.opfowner from pg_catalog.pg_opfamily c where c.opfnamespace in (select oid from live)
      -- Another role's relation in the live schema is a read model, or an index, sequence or
      -- toast table of one; anything else (a read model renamed "text" would shadow the type).
      union all select 'relation ' || c.oid::pg_catalog.regclass::pg_catalog.text, c.relowner from pg_catalog.pg_class c
        where c.relnamespace in (select oid from live) and c.relkind <> 'i' and c.oid not in (select oid from owned)
          and not exists (select from pg_catalog.pg_depend d
                          where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid
                            and d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.deptype in ('a', 'i')
                            and d.refobjid in (select oid from owned))
    ), attached(classid, objid, rel) as (
      select 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, c.oid from pg_catalog.pg_class c
      union all select 'pg_catalog.pg_attrdef'::pg_catalog.regclass, a.oid, a.adrelid from pg_catalog.pg_attrdef a
      union all select 'pg_catalog.pg_constraint'::pg_catalog.regclass, k.oid, k.conrelid from pg_catalog.pg_constraint k where k.conrelid <> 0
      union all select 'pg_catalog.pg_trigger'::pg_catalog.regclass, t.oid, t.tgrelid from pg_catalog.pg_trigger t
      union all select 'pg_catalog.pg_rewrite'::pg_catalog.regclass, r.oid, r.ev_class from pg_catalog.pg_rewrite r
      union all select 'pg_catalog.pg_policy'::pg_catalog.regclass, p.oid, p.polrelid from pg_catalog.pg_policy p
      union all select 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass, s.oid, s.stxrelid from pg_catalog.pg_statistic_ext s
    ), referenced(object, owner) as (
      select pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) || ' uses ' || pg_catalog.pg_describe_object(d.refclassid, d.refobjid, 0),
        case d.refclassid
          when 'pg_catalog.pg_proc'::pg_catalog.regclass then (select proowner from pg_catalog.pg_proc where oid = d.refobjid)
          when 'pg_catalog.pg_operator'::pg_catalog.regclass then (select oprowner from pg_catalog.pg_operator where oid = d.refobjid)
          when 'pg_catalog.pg_type'::pg_catalog.regclass then (select typowner from pg_catalog.pg_type where oid = d.refobjid)
          when 'pg_catalog.pg_collation'::pg_catalog.regclass then (select collowner from pg_catalog.pg_collation where oid = d.refobjid)
          when 'pg_catalog.pg_opclass'::pg_catalog.regclass then (select opcowner from pg_catalog.pg_opclass where oid = d.refobjid)
          when 'pg_catalog.pg_opfamily'::pg_catalog.regclass then (select opfowner from pg_catalog.pg_opfamily where oid = d.refobjid)
          when 'pg_catalog.pg_ts_config'::pg_catalog.regclass then (select cfgowner from pg_catalog.pg_ts_config where oid = d.refobjid)
          when 'pg_catalog.pg_ts_dict'::pg_catalog.regclass then (select dictowner from pg_catalog.pg_ts_dict where oid = d.refobjid)
        end
      from pg_catalog.pg_depend d join attached a on a.classid = d.classid and a.objid = d.objid
      where a.rel in (select c.oid from pg_catalog.pg_class c where c.relnamespace in (select oid from schemas))
        and d.refclassid in ('pg_catalog.pg_proc'::pg_catalog.regclass, 'pg_catalog.pg_operator'::pg_catalog.regclass,
          'pg_catalog.pg_type'::pg_catalog.regclass, 'pg_catalog.pg_collation'::pg_catalog.regclass,
          'pg_catalog.pg_opclass'::pg_catalog.regclass, 'pg_catalog.pg_opfamily'::pg_catalog.regclass,
          'pg_catalog.pg_ts_config'::pg_catalog.regclass, 'pg_catalog.pg_ts_dict'::pg_catalog.regclass)
    ), others_tables as (
      select c.oid from pg_catalog.pg_class c
      where c.relnamespace in (select oid from schemas) and c.relowner not in (select oid from trusted)
    )
    select object from resolvable where owner not in (select oid from trusted)
    union all select object from referenced where owner not in (select oid from trusted)
    union all select 'trigger ' || t.tgname || ' on ' || t.tgrelid::pg_catalog.regclass::pg_catalog.text from pg_catalog.pg_trigger t
      where not t.tgisinternal and t.tgrelid in (select oid from others_tables)
    union all select 'rule ' || r.rulename || ' on ' || r.ev_class::pg_catalog.regclass::pg_catalog.text from pg_catalog.pg_rewrite r
      where r.rulename <> '_RETURN' and r.ev_class in (select oid from others_tables)
    union all select 'policy ' || p.polname || ' on ' || p.polrelid::pg_catalog.regclass::pg_catalog.text from pg_catalog.pg_policy p
      where p.polrelid in (select oid from others_tables)
    union all select 'row security on ' || c.oid::pg_catalog.regclass::pg_catalog.text from pg_catalog.pg_class c
      where c.relrowsecurity and c.oid in (select oid from others_tables)
    order by 1`.execute(trx);
  return rows.map((r) => r.object);
}
