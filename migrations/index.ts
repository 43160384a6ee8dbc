import type { Migration } from 'kysely';
import * as eventStore from './20261123090000_event_store';
import * as idempotency from './20261123090100_idempotency';

/**
 * Every migration, by name. Listed statically (not read from the folder) so that they run the
 * same under tsx, vitest and any bundler. Names are timestamps: they sort in the order to apply.
 */
export const migrations: Record<string, Migration> = {
  '20261123090000_event_store': eventStore,
  '20261123090100_idempotency': idempotency,
};
