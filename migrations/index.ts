import type { Migration } from 'kysely';
import * as eventStore from './20261123090000_event_store';
import * as idempotency from './20261123090100_idempotency';
import * as projections from './20261123100000_projections';
import * as audit from './20261123120000_audit';
import * as analyticsConsumer from './20261123130000_analytics_consumer';
import * as notifyAfterCommit from './20261123140000_notify_after_commit';
import * as idempotencyByReference from './20261123150000_idempotency_by_reference';
import * as statisticsDaily from './20261123160000_statistics_daily';
import * as statisticsHandoverDays from './20261130000000_statistics_handover_days';
import * as accessCredential from './20261130020000_access_credential';
import * as transparencyLog from './20261130100000_transparency_log';
import * as merkleLeavesInChain from './20261201000000_merkle_leaves_in_chain';
import * as statisticsWindowCovering from './20261202000000_statistics_window_covering';
import * as personalDataKeyEpochs from './20261203000000_personal_data_key_epochs';
import * as ownerRunsOnlyItsOwnCode from './20261203010000_owner_runs_only_its_own_code';

/**
 * Every migration, by name. Listed statically (not read from the folder) so that they run the
 * same under tsx, vitest and any bundler. Names are timestamps: they sort in the order to apply.
 */
export const migrations: Record<string, Migration> = {
  '20261123090000_event_store': eventStore,
  '20261123090100_idempotency': idempotency,
  '20261123100000_projections': projections,
  '20261123120000_audit': audit,
  '20261123130000_analytics_consumer': analyticsConsumer,
  '20261123140000_notify_after_commit': notifyAfterCommit,
  '20261123150000_idempotency_by_reference': idempotencyByReference,
  '20261123160000_statistics_daily': statisticsDaily,
  '20261130000000_statistics_handover_days': statisticsHandoverDays,
  '20261130020000_access_credential': accessCredential,
  '20261130100000_transparency_log': transparencyLog,
  '20261201000000_merkle_leaves_in_chain': merkleLeavesInChain,
  '20261202000000_statistics_window_covering': statisticsWindowCovering,
  '20261203000000_personal_data_key_epochs': personalDataKeyEpochs,
  '20261203010000_owner_runs_only_its_own_code': ownerRunsOnlyItsOwnCode,
};
