import { deportationFiling, handover, verification } from '@cco/testkit';
import type { TestApp } from '../../../test/support/testApp';

const HOUR_MS = 3_600_000;
const before = (at: string, hours: number) => new Date(Date.parse(at) - hours * HOUR_MS).toISOString();

async function ok(response: Promise<{ status: number; body: any }>) {
  const r = await response;
  if (r.status >= 300) throw new Error(`step failed ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * A CN → KH deportation completed at `completedAt` (any offset), its earlier steps the hours
 * before; with `stage` it stops earlier. Returns the case id.
 */
export async function deportation(
  t: TestApp,
  completedAt: string,
  options: { offence?: string; stage?: 'filed' | 'handed_over' | 'completed' } = {},
): Promise<string> {
  const cn = t.token('CN', 'officer');
  const kh = t.token('KH', 'officer');
  const offences = options.offence ? [{ category: options.offence }] : deportationFiling.offences;
  const filed = await ok(
    t.request('POST', '/v1/cases', { token: cn, body: { ...deportationFiling, offences, occurredAt: before(completedAt, 240) } }),
  );
  if (options.stage === 'filed') return filed.id;
  await ok(
    t.request('POST', `/v1/cases/${filed.id}/identity-verification`, {
      token: kh,
      body: { ...verification, occurredAt: before(completedAt, 120) },
    }),
  );
  await ok(t.request('POST', `/v1/cases/${filed.id}/handover`, { token: kh, body: { ...handover, occurredAt: before(completedAt, 6) } }));
  if (options.stage === 'handed_over') return filed.id;
  await ok(t.request('POST', `/v1/cases/${filed.id}/completion`, { token: cn, body: { occurredAt: completedAt } }));
  return filed.id;
}

/** Waits until every projection has applied the whole log, as /health reports it. */
export async function projectionsCaughtUp(t: TestApp, timeoutMs = 15_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const health = await t.request('GET', '/health');
    if (health.body.projections.every((p: { eventsBehind: number }) => p.eventsBehind === 0)) return;
  }
  throw new Error('the projections did not catch up');
}
