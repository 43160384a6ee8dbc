import { sql, type Kysely } from 'kysely';

export type PrivilegeCheck = { kind: 'least' } | { kind: 'too-much'; role: string; why: string };

/**
 * What the service's own connection (DATABASE_URL) may do beyond the service's part: a
 * superuser may do anything, and the tables' owner (or a member of it) may disable the log's
 * triggers and rewrite it. Without MIGRATIONS_DATABASE_URL the connection migrates, so it owns
 * the tables (or is about to, on an empty database). Production refuses both unless told
 * otherwise (ALLOW_OWNER_CONNECTION, see docs/operations.md).
 */
export async function checkLeastPrivilege(db: Kysely<any>, migratesItself: boolean): Promise<PrivilegeCheck> {
  const { rows } = await sql<{ me: string; superuser: boolean; tables: boolean; owner: boolean }>`
    select current_user as me, r.rolsuper as superuser,
      pg_catalog.to_regclass('events'::pg_catalog.text) is not null as tables,
      coalesce((select pg_catalog.pg_has_role(c.relowner, 'MEMBER'::pg_catalog.text)
                from pg_catalog.pg_class c where c.oid = pg_catalog.to_regclass('events'::pg_catalog.text)), false) as owner
    from pg_catalog.pg_roles r where r.rolname = current_user`.execute(db);
  const { me, superuser, tables, owner } = rows[0]!;
  if (superuser) return { kind: 'too-much', role: me, why: 'a superuser' };
  if (owner) return { kind: 'too-much', role: me, why: "the tables' owner (or a member of it)" };
  if (!tables && migratesItself) return { kind: 'too-much', role: me, why: 'about to create the tables and own them' };
  return { kind: 'least' };
}

/** ALLOW_OWNER_CONNECTION: `true` lets production connect as the owner or a superuser anyway. */
export function allowOwnerConnection(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new Error(`ALLOW_OWNER_CONNECTION must be true or false, not ${JSON.stringify(value)}`);
}

/** Production's refusal, or undefined when the connection is least-privileged or allowed. */
export async function refusalOfOwnerConnection(
  db: Kysely<any>,
  options: { migratesItself: boolean; allowed: string | undefined },
): Promise<string | undefined> {
  const allowed = allowOwnerConnection(options.allowed);
  const check = await checkLeastPrivilege(db, options.migratesItself);
  if (check.kind === 'least' || allowed) return undefined;
  return (
    `DATABASE_URL logs in as ${check.role}, ${check.why}: it could rewrite the log. Connect as the service role, with ` +
    `MIGRATIONS_DATABASE_URL for the owner (docs/operations.md), or set ALLOW_OWNER_CONNECTION=true`
  );
}
