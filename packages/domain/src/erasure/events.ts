import type { CaseFacts, OpenCase } from '../lifecycle/events';

// Erasure of a trafficking victim's personal data (Art. 9 of the 2016 agreement protects their
// privacy): asked for by the party that provided the data, confirmed by an auditor. It does not
// move the case through its lifecycle; it records that the data is gone. The service destroys
// the subject's key when PersonalDataErased is appended (crypto-shredding).

export const erasureEventTypes = ['ErasureRequested', 'PersonalDataErased'] as const;

export type ErasureEvent =
  | { type: 'ErasureRequested'; occurredAt: Date; data: { reason: string } }
  | { type: 'PersonalDataErased'; occurredAt: Date; data: Record<string, never> };

export type ErasureStatus = NonNullable<CaseFacts<never>['erasure']>;

export const isErasureEvent = (event: { type: string }): event is ErasureEvent =>
  (erasureEventTypes as readonly string[]).includes(event.type);

export function evolveErasure<S extends OpenCase>(state: S, event: ErasureEvent): S {
  const erasure: ErasureStatus = event.type === 'ErasureRequested' ? 'requested' : 'erased';
  return { ...state, erasure, lastOccurredAt: event.occurredAt };
}
