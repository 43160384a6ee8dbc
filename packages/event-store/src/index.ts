export {
  appendToStream,
  type AlongsideWrite,
  type AppendOptions,
  type ClaimedRows,
  type AppendResult,
  type WrongExpectedVersion,
} from './appendToStream';
export { readPosition, savePosition, tryLockForTransaction } from './positions';
export { measureLag, type Lag } from './measureLag';
export { announceAppends, type AnnounceOptions, type Announcer } from './announceAppends';
export { eventsChannel, openDatabase, type Database, type DatabaseOptions } from './database';
export { DataDirInUse } from './lockDataDir';
export { migrateToLatest } from './migrate';
export { commitSafeBound } from './commitSafeBound';
export { migrateAsOwner, migrateFor, type MigrateAsOwnerOptions, type OwnerMigration } from './migrateAsOwner';
export { assertCannotRewriteHistory, grantServiceRole, rebuildSchemas, type GrantOutcome, type ServiceGrants } from './grantServiceRole';
export { logPositionOf, readAll, type ReadAllResult } from './readAll';
export { readAhead, type ReadAhead } from './readAhead';
export { readHoldback, type Holdback } from './readHoldback';
export { readStream, type ReadStreamOptions } from './readStream';
export { eventColumns, toRecordedEvent, type EventRow } from './rows';
export { runCatchUp, type CatchUp, type CatchUpOptions } from './runCatchUp';
export type * from './tables';
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
