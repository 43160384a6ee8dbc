import type { Party, Role } from '@cco/domain';
import type { TestApp } from '../../../test/support/testApp';
import { deportationFiling, handover, verification } from '@cco/testkit';

export type Stage = 'filed' | 'identity_verified' | 'handed_over';

/** A deportation requested by CN of KH, walked to `stage` by officers of the right parties. */
export async function deportationAt(t: TestApp, stage: Stage): Promise<string> {
  const cn = t.token('CN', 'officer');
  const kh = t.token('KH', 'officer');
  const filed = await t.request('POST', '/v1/cases', { token: cn, body: deportationFiling });
  if (filed.status !== 201) throw new Error(`filing failed: ${JSON.stringify(filed.body)}`);
  const id: string = filed.body.id;
  if (stage === 'filed') return id;
  await expectOk(t.request('POST', `/v1/cases/${id}/identity-verification`, { token: kh, body: verification }));
  if (stage === 'identity_verified') return id;
  await expectOk(t.request('POST', `/v1/cases/${id}/handover`, { token: kh, body: handover }));
  return id;
}

async function expectOk(response: Promise<{ status: number; body: unknown }>) {
  const r = await response;
  if (r.status !== 200) throw new Error(`step failed ${r.status}: ${JSON.stringify(r.body)}`);
}

export const everyone: { party: Party; role: Role }[] = (['KH', 'CN'] as const).flatMap((party) =>
  (['officer', 'supervisor', 'auditor', 'analyst'] as const).map((role) => ({ party, role })),
);
