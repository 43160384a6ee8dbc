import { expect } from 'vitest';
import { decide, fold, type CaseCommand, type CaseEvent, type DomainErrorCode } from '../../src';

// given(history).when(command).then(new events) / .thenError(code, rule): a spec reads as the
// rule it pins down. The history is folded exactly as the service folds a stream.

export const given = (...history: CaseEvent[]) => ({
  when(command: CaseCommand) {
    const decision = decide(fold(history), command);
    return {
      then(...expected: CaseEvent[]) {
        expect(decision).toEqual({ ok: true, events: expected });
      },
      thenError(code: DomainErrorCode, rule: string) {
        expect(decision).toMatchObject({ ok: false, error: { code, rule } });
      },
      /** For specs about one field of an accepted event, rather than the whole of it. */
      thenEvent<T extends CaseEvent['type']>(type: T): Extract<CaseEvent, { type: T }> {
        expect(decision.ok, JSON.stringify(decision)).toBe(true);
        const [event] = decision.ok ? decision.events : [];
        expect(event?.type).toBe(type);
        return event as Extract<CaseEvent, { type: T }>;
      },
    };
  },
});
