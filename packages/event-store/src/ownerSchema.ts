/**
 * The schema the tables' owner creates in and resolves names in: the only one on its
 * search_path. Pinned as `search_path = public` rather than `pg_catalog, public`: PostgreSQL
 * then searches pg_catalog FIRST, implicitly, while unqualified CREATEs (the migrations') still
 * land in `public` (an explicit `pg_catalog` first would become the creation schema, and every
 * unqualified CREATE would fail). Only the owner and superusers may create there (see
 * secureOwnerSchemas), so what the owner finds by name is its own.
 */
export const liveSchema = 'public';
export const ownerSearchPath = liveSchema;

/** Schemas a projection rebuild builds in and retires into (packages/projections/src/rebuild). */
export const rebuildSchemas = ['cco_rebuild', 'cco_retired'] as const;

/** The owner's function that moves a rebuilt read model into the live schema (its migration says why). */
export const swapFunction = 'cco_swap_read_model';
