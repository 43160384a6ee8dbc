import { sql, type Kysely } from 'kysely';
import { findForeignCode } from './findForeignCode';
import { liveSchema, ownerSearchPath } from './ownerSchema';

/**
 * Run by the owner before it migrates or grants (CVE-2018-1058): the service role must never
 * make it run the service's code.
 * 1. The service (and PUBLIC) lose CREATE on the live schema, including where an older start
 *    granted it; refused when it still holds it some other way.
 * 2. Refused, naming the object, when something the owner could run or resolve is not the
 *    owner's (nor a superuser's, who could do anything anyway):
 *    - a function, operator, type, collation, conversion, text-search or operator-class object
 *      in the live schema (a plant from when the service could create there), or a relation
 *      of another role there that is not a read model (a renamed one would shadow a type);
 *    - on a table in the live or rebuild schemas: a default, check, index expression, column
 *      type, trigger, rule or policy that depends on such an object of another role;
 *    - on a table the service owns (the read models, its shadows): any trigger, rule, policy
 *      or row security at all. The project puts none there, and code fired by them runs as
 *      whoever writes or reads the table, so that one a builtin could still be turned against
 *      the owner (set_config of its search_path, say).
 * Idempotent; changes nothing when nothing is wrong.
 */
export async function secureOwnerSchemas(db: Kysely<any>, service: { role: string; ownedTables: readonly string[] }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_catalog.set_config('search_path', ${ownerSearchPath}::pg_catalog.text, true)`.execute(trx);
    await sql`select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('cco_grant_service_role'::pg_catalog.text))`.execute(trx);
    const role = await sql<{ exists: boolean }>`
      select exists (select from pg_catalog.pg_roles where rolname = ${service.role}::pg_catalog.name) as exists`.execute(trx);
    if (!role.rows[0]!.exists) throw new Error(`the service role ${service.role} does not exist: create it (LOGIN) before migrating`);
    await revokeCreate(trx, service.role);
    const { rows: can } = await sql<{ create: boolean }>`
      select pg_catalog.has_schema_privilege(${service.role}::pg_catalog.name, ${liveSchema}::pg_catalog.text, 'CREATE') as create`.execute(
      trx,
    );
    if (can[0]!.create)
      throw new Error(
        `the service role ${service.role} may create objects in schema ${liveSchema} (through a role it belongs to, or as its owner): ` +
          `the owner would resolve names there; revoke it`,
      );
    const found = await findForeignCode(trx, service.ownedTables);
    if (found.length > 0)
      throw new Error(
        `refusing to migrate: ${found[0]} is not the owner's, and the owner could run it${found.length > 1 ? ` (and ${found.length - 1} more)` : ''}; drop it as a superuser after finding out who planted it`,
      );
  });
}

/**
 * Revokes CREATE on the live schema from the service and from PUBLIC (PostgreSQL before 15
 * gave it to PUBLIC), only where held directly, so that a start with nothing to change rewrites
 * no catalog row.
 */
async function revokeCreate(trx: Kysely<any>, role: string): Promise<void> {
  const { rows } = await sql<{ grantee: number }>`
    select a.grantee::pg_catalog.int8 as grantee
    from pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a
    where n.nspname = ${liveSchema}::pg_catalog.name and a.privilege_type = 'CREATE'
      and (a.grantee = 0 or a.grantee = (select oid from pg_catalog.pg_roles where rolname = ${role}::pg_catalog.name))`.execute(trx);
  for (const { grantee } of rows)
    await sql`revoke create on schema ${sql.id(liveSchema)} from ${Number(grantee) === 0 ? sql.raw('public') : sql.id(role)}`.execute(trx);
}
