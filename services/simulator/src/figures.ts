import { createCooperationClient } from '@cco/client';
import type { TokenFor } from './tokens';

export interface Figure {
  from: string;
  to: string;
  total: number;
}

/** Waits until every projection has applied the whole log (GET /health), so figures are final. */
export async function waitForProjections(url: string, timeoutMs = 120_000): Promise<void> {
  const client = createCooperationClient({ baseUrl: url });
  for (const deadline = Date.now() + timeoutMs; ;) {
    const { data: health } = await client.GET('/health');
    if (health && (!health.projections || health.projections.every((p) => p.eventsBehind === 0))) return;
    if (Date.now() > deadline) throw new Error('the projections did not catch up in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** GET /v1/statistics/deportations as an analyst would, through the generated client. */
export async function deportationFigure(url: string, tokenFor: TokenFor, from: string, to: string, groupBy?: 'year' | 'month' | 'offence') {
  const client = createCooperationClient({ baseUrl: url, token: tokenFor('CN', 'analyst') });
  const { data, response } = await client.GET('/v1/statistics/deportations', {
    params: { query: { from, to, ...(groupBy ? { groupBy } : {}) } },
  });
  if (!data) throw new Error(`GET /v1/statistics/deportations answered ${response.status}`);
  return data;
}
