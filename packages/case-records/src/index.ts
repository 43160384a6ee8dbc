export { developmentKeyEncryptionKey, keyFingerprint, parseKeyEncryptionKey } from './keyEncryptionKey';
export {
  assertPersonalDataKey,
  checkPersonalDataKey,
  personalDataKeyRefusal,
  personalDataKeyFor,
  PersonalDataKeyRefused,
  type PersonalDataKeyCheck,
} from './personalDataKeys';
export { rotatePersonalDataKey, type RotationOutcome } from './rotatePersonalDataKey';
export {
  countPendingPurges,
  purgeErasedKeys,
  startErasurePurge,
  subjectKeysTable,
  type ErasurePurge,
  type PurgeOutcome,
} from './purgeErasedKeys';
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
export type { CaseRecordTables, ErasedSubjectsTable, PersonalDataKeysTable, SubjectKeysTable } from './subjectKeys.table';
export { toDomainEvent } from './toDomainEvent';
