export {
  appendLinks,
  chainEvents,
  chainLock,
  extendChain,
  linksAfter,
  openTreeAt,
  readChainTip,
  type ChainTip,
  type Link,
  type OpenTree,
} from './chainEvents';
export { readChainHead, readChainLink, type ChainLink } from './chainHead';
export {
  acceptCosignature,
  cosignedMessage,
  issueCheckpoint,
  readCheckpointAt,
  readCheckpointsAfter,
  readLatestCheckpoint,
  readLatestCosignedBy,
  withCosignatures,
  type Checkpoint,
  type CosignatureOutcome,
} from './checkpoints';
export { canonicalContent, chainedContent, genesisHash, hashCanonical, hashEvent } from './hashEvent';
export { importChain } from './importChain';
export { readLatestIntegrityRun, recordIntegrityRun, type IntegrityRun } from './integrityRuns';
export { developmentKeyFile, developmentOrigin, loadCheckpointSigner, witnessKeysFrom, type LoadedSigner } from './loadCheckpointSigner';
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
export * from './noteKeys';
export { rereadLog } from './rereadLog';
export * from './signedNote';
export type * from './tables';
export { verifyChain, type ChainVerification, type VerifyFrom } from './verifyChain';
export { verifyLog, type LogVerification, type VerifyLogOptions } from './verifyLog';
