import type { CaseEvent } from './events';

// not_found → 404, forbidden → 403, invalid_state → 409, rule_violation → 422.
export type DomainErrorCode = 'forbidden' | 'invalid_state' | 'rule_violation' | 'not_found';

export interface DomainError {
  code: DomainErrorCode;
  /** Stable kebab-case id of the rule, e.g. 'warrant-required'; clients may switch on it. */
  rule: string;
  message: string;
}

export type Decision = { ok: true; events: CaseEvent[] } | { ok: false; error: DomainError };

/** A check passes with `undefined`; checks chain with `??` so the first failure wins. */
export type Check = DomainError | undefined;

export const accept = (...events: CaseEvent[]): Decision => ({ ok: true, events });
export const reject = (error: DomainError): Decision => ({ ok: false, error });

export const forbidden = (rule: string, message: string): DomainError => ({ code: 'forbidden', rule, message });
export const invalidState = (rule: string, message: string): DomainError => ({ code: 'invalid_state', rule, message });
export const violation = (rule: string, message: string): DomainError => ({ code: 'rule_violation', rule, message });
export const notFound = (message: string): DomainError => ({ code: 'not_found', rule: 'case-exists', message });

/** Turns the first failed check into a rejection, or emits what `events` builds. */
export const decideWith = (check: Check, events: () => CaseEvent[]): Decision => (check ? reject(check) : accept(...events()));

/** The `never` check that makes a decide's switch exhaustive at compile time. */
export const unreachable = (command: never): never => {
  throw new Error(`unhandled command ${JSON.stringify(command)}`);
};
