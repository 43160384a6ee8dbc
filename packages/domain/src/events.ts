import type { DeportationFiledData } from './deportation/events';
import { erasureEventTypes, type ErasureEvent } from './erasure/events';
import type { ExtraditionFiledData } from './extradition/events';
import { completionEventTypes, type CompletedEvent, type CompletionEventType, type LifecycleEvent } from './lifecycle/events';
import type { VictimRepatriationFiledData } from './victim-repatriation/events';

// Domain events as the deciders emit them; the store adds id, version, position, metadata.
// `data` is plain JSON: dates inside it are ISO strings.

export type RequestFiledData = DeportationFiledData | ExtraditionFiledData | VictimRepatriationFiledData;

export type CaseEvent =
  { type: 'RequestFiled'; occurredAt: Date; data: RequestFiledData } | LifecycleEvent | CompletedEvent<CompletionEventType> | ErasureEvent;

export type CaseEventType = CaseEvent['type'];

export const caseEventTypes = [
  'RequestFiled',
  'IdentityVerified',
  'SuspectHandedOver',
  ...completionEventTypes,
  'RequestRefused',
  'RequestWithdrawn',
  ...erasureEventTypes,
] as const;

// Compile-time proof that the list names every event type and nothing else.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const listsEveryType: Same<(typeof caseEventTypes)[number], CaseEventType> = true;
void listsEveryType;
