export { developmentKeyEncryptionKey, parseKeyEncryptionKey } from './keyEncryptionKey';
export { openEvents, readCaseEvents } from './readCaseEvents';
export { open, seal, type SealedBox } from './seal';
export { caseUpcasters, erasedPersonal, openStored, personalFields, sealForStorage, storedSchemaVersion } from './storedForm';
export {
  createSubjectKeys,
  destroySubjectKey,
  destroySubjectKeyAlongside,
  loadSubjectKey,
  newSubjectKey,
  type SubjectKey,
} from './subjectKeys';
export {
  checkCaseHistories,
  importCaseHistories,
  type CaseHistory,
  type CaseImportResult,
  type ImportRejection,
} from './importCaseHistories';
export type { CaseRecordTables, SubjectKeysTable } from './subjectKeys.table';
export { toDomainEvent } from './toDomainEvent';
export { actorOf, caseEventMetadata, caseStreamType, type CaseActor } from './caseStream';
export {
  handleCaseCommand,
  type CaseCommandDeps,
  type CaseCommandOutcome,
  type CaseCommandRefusal,
  type CaseCommandRequest,
  type CommandIntent,
} from './handleCaseCommand';
