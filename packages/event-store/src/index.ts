export {
  appendToStream,
  type AlongsideWrite,
  type AppendOptions,
  type ClaimedRows,
  type AppendResult,
  type WrongExpectedVersion,
} from './appendToStream';
export { chainEvents } from './chainEvents';
export { readChainHead, readChainLink, type ChainLink } from './chainHead';
export { readCheckpoint, saveCheckpoint, tryLockForTransaction } from './checkpoints';
export { measureLag, type Lag } from './measureLag';
export { announceAppends, type AnnounceOptions, type Announcer } from './announceAppends';
export { eventsChannel, openDatabase, type Database, type DatabaseOptions } from './database';
export { DataDirInUse } from './lockDataDir';
export { chainedContent, genesisHash, hashEvent } from './hashEvent';
export { migrateToLatest } from './migrate';
export { connectionFailure, databaseAddress, DatabaseUnreachable, waitForDatabase } from './waitForDatabase';
export { commitSafeBound } from './commitSafeBound';
export { allowOwnerConnection, checkLeastPrivilege, refusalOfOwnerConnection, type PrivilegeCheck } from './assertLeastPrivilege';
export { liveSchema, ownerSearchPath } from './ownerSchema';
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
export { verifyChain, type ChainVerification, type VerifyFrom } from './verifyChain';
export { currentSchemaVersion, upcast, type Upcasters } from './upcast';
export { importEvents, type ImportOptions, type ImportResult, type ImportStream } from './importEvents';
export { appendLinks, openTreeAt, type OpenTree } from './chainEvents';
export { canonicalContent, hashCanonical } from './hashEvent';
export { frontierOf, growTree, type TreeNode } from './merkle/growTree';
export { emptyRoot, leafHash, nodeHash } from './merkle/merkleHash';
export { consistencyProof, inclusionProof, nodesFor, rangeHash, rootHash, type NodeLookup } from './merkle/merkleProofs';
export { consistencyRanges, inclusionRanges, perfectSubtrees, type NodeId, type Range } from './merkle/merkleRanges';
export {
  readConsistencyProof,
  readInclusionProof,
  readRootHash,
  type ConsistencyProof,
  type InclusionProof,
  type ProofRefusal,
} from './merkle/readProofs';
export { insertNodes, loadFrontier, readNodes, readTreeSize } from './merkle/treeStore';
export { verifyLog, type LogVerification, type VerifyLogOptions } from './verifyLog';
export { readReport, vacuumerFor, type VacuumReport, type Vacuumer } from './vacuumTable';
