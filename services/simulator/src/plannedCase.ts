import type { operations } from '@cco/client';
import type { CaseKind, Party, Role } from '@cco/domain';

/** A filing as the API takes it (POST /v1/cases), typed from the OpenAPI document. */
export type Filing = operations['fileCase']['requestBody']['content']['application/json'] & { occurredAt: string };

/** One step of a planned case, as the public API takes it. */
export interface PlannedStep {
  action: 'identity-verification' | 'handover' | 'completion' | 'refusal' | 'withdrawal';
  by: Party;
  role: Extract<Role, 'officer' | 'supervisor'>;
  body: { occurredAt: string } & Record<string, unknown>;
}

/** A case as the simulator will drive it: the filing, then its steps in order. */
export interface PlannedCase {
  kind: CaseKind;
  requestingParty: Party;
  filing: Filing;
  steps: PlannedStep[];
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export const other = (party: Party): Party => (party === 'CN' ? 'KH' : 'CN');

/**
 * The steps a case takes, each at its business time. Steps after `limit` (the end of the
 * simulated window, or now) are left out: the case is still in progress when history stops.
 */
export function stepsUntil(limit: Date, steps: (PlannedStep & { at: Date })[]): PlannedStep[] {
  const done: PlannedStep[] = [];
  for (const { at, ...step } of steps) {
    if (at > limit) break;
    done.push({ ...step, body: { ...step.body, occurredAt: at.toISOString() } });
  }
  return done;
}
