// What other workspaces use of the store, and nothing more: the store's own tests import the
// rest by relative path.
export { appendToStream, type AlongsideWrite, type AppendResult } from './appendToStream';
export { readPosition, savePosition, tryLockForTransaction } from './positions';
export { measureLag } from './measureLag';
export { announceAppends } from './announceAppends';
export { eventsChannel, openDatabase, type Database } from './database';
export { migrateToLatest } from './migrate';
export { connectionFailure, databaseAddress, DatabaseUnreachable, waitForDatabase } from './waitForDatabase';
export { commitSafeBound } from './commitSafeBound';
export { allowOwnerConnection, checkLeastPrivilege, refusalOfOwnerConnection, type PrivilegeCheck } from './assertLeastPrivilege';
export { liveSchema, ownerSearchPath } from './ownerSchema';
export { migrateAsOwner, migrateFor } from './migrateAsOwner';
export { assertCannotRewriteHistory, grantServiceRole, rebuildSchemas } from './grantServiceRole';
export { logPositionOf, readAll, type ReadAllResult } from './readAll';
export { readAhead, type ReadAhead } from './readAhead';
export { readHoldback } from './readHoldback';
export { readStream, type ReadStreamOptions } from './readStream';
export { toRecordedEvent, type EventRow } from './rows';
export { runCatchUp, type CatchUp } from './runCatchUp';
export type { StoreTables } from './tables';
export * from './types';
export { currentSchemaVersion, upcast, type Upcasters } from './upcast';
export {
  importEvents,
  type ImportChain,
  type ImportLinker,
  type ImportOptions,
  type ImportResult,
  type ImportStream,
} from './importEvents';
export { readReport, vacuumerFor, type Vacuumer } from './vacuumTable';
