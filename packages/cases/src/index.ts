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
export { openEvents, readCase, readCaseEvents } from './readCaseEvents';
export { open, seal, type SealedBox } from './seal';
export {
  caseUpcasters,
  erasedPersonal,
  openStored,
  personalFields,
  sealForStorage,
  storedSchemaVersion,
  victimFreeText,
} from './storedForm';
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
  shapeCaseHistories,
  type CaseHistory,
  type CaseImportResult,
  type ImportRejection,
} from './importCaseHistories';
export type { CaseRecordTables, ErasedSubjectsTable, PersonalDataKeysTable, SubjectKeysTable } from './subjectKeys.table';
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
export { birthDate, countryCode, dateRange, identifier, isoDate, isoDateTime, lineBreakingOrBidi, text } from './shapes/fields';
export {
  completionBody,
  erasureConfirmationBody,
  erasureRequestBody,
  fileRequestBody,
  handoverBody,
  refusalBody,
  subjectSchema,
  verificationBody,
  withdrawalBody,
  caseKindSchema,
  type FileRequestBody,
} from './shapes/commandBodies';
export { eventDataSchemas, parseEventData, type EventDataCheck } from './shapes/eventData';
