// @cco/domain: the treaty rules as pure functions. No infrastructure, no clock: time comes
// in with each command.

export {
  caseKinds,
  caseStatuses,
  documentTypes,
  nameScripts,
  offenceCategories,
  otherParty,
  parties,
  refusalGrounds,
  roles,
  sexes,
} from './vocabulary';
export type {
  Actor,
  CaseKind,
  CaseParties,
  CaseStatus,
  DocumentType,
  Location,
  NameScript,
  Offence,
  OffenceCategory,
  Party,
  RefusalGround,
  Role,
  Sex,
  Subject,
  Warrant,
} from './vocabulary';

export { caseEventTypes } from './events';
export type { CaseEvent, CaseEventType, RequestFiledData } from './events';
export { completionEventTypes, statusAfter } from './lifecycle/events';
export type {
  CompletedData,
  CompletionEventType,
  HandedOverData,
  IdentityVerifiedData,
  MandatoryGrounds,
  RefusedData,
  VerificationData,
  WithdrawnData,
} from './lifecycle/events';
export type { DeportationFiledData, DeportationFilingData } from './deportation/events';
export type { DiplomaticNote, DualCriminality, ExtraditionFiledData, ExtraditionFilingData } from './extradition/events';
export type { VictimRepatriationFiledData, VictimRepatriationFilingData } from './victim-repatriation/events';

export type {
  CompleteCommand,
  FileRequestCommand,
  HandOverCommand,
  HandoverData,
  RefuseCommand,
  VerifyIdentityCommand,
  WithdrawCommand,
} from './lifecycle/decide';
export type { Decision, DomainError, DomainErrorCode } from './decision';
export { erasureEventTypes } from './erasure/events';
export type { ErasureEvent } from './erasure/events';
export type { ConfirmErasureCommand, ErasureCommand, RequestErasureCommand } from './erasure/decide';

export { completionEventByKind, decide, evolve, fold, initialState } from './case';
export type { CaseCommand, CaseState, FilingData } from './case';

export { caseView, isVerificationOverdue } from './view';
export type { CaseView } from './view';

export { checkHistory, commandFor } from './history';
export type { AttributedEvent, HistoryCheck } from './history';
