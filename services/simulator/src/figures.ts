import type { TokenFor } from './tokens';

export interface Figure {
  from: string;
  to: string;
  total: number;
}

/** Waits until every projection has applied the whole log (GET /health), so figures are final. */
export async function waitForProjections(url: string, timeoutMs = 120_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const health = (await (await fetch(`${url}/health`)).json()) as { projections?: { eventsBehind: number }[] };
    if (!health.projections || health.projections.every((p) => p.eventsBehind === 0)) return;
    if (Date.now() > deadline) throw new Error('the projections did not catch up in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** GET /v1/statistics/deportations as an analyst would. */
export async function deportationFigure(url: string, tokenFor: TokenFor, from: string, to: string, groupBy?: string) {
  const query = new URLSearchParams({ from, to, ...(groupBy ? { groupBy } : {}) });
  const response = await fetch(`${url}/v1/statistics/deportations?${query}`, { headers: { authorization: `Bearer ${tokenFor('CN', 'analyst')}` } });
  if (!response.ok) throw new Error(`GET /v1/statistics/deportations answered ${response.status}`);
  return (await response.json()) as Figure & { groups: { key: string; count: number }[] };
}
