// The page's only calls: same-origin GETs to the service's statistics, health and integrity
// endpoints with the bearer token. Failures become one of three kinds the page explains.

export type Failure =
  { kind: 'unauthorized'; detail: string } | { kind: 'forbidden'; detail: string } | { kind: 'unavailable'; detail: string };

export class ApiFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.detail);
  }
}

export interface Counted {
  from: string;
  to: string;
  total: number;
  groups: { key: string; count: number }[];
}
export interface Durations {
  kind: string | null;
  count: number;
  medianDays: number | null;
  p90Days: number | null;
}
export interface Verifications {
  total: number;
  withinDeadline: number;
  late: number;
}
export interface Overdue {
  requestedParty: string;
  count: number;
}
export interface Integrity {
  ok: boolean;
  checked: number;
  firstBrokenPosition: string | null;
  chainLength: string;
}
export interface Health {
  projections?: { name: string; eventsBehind: number; secondsBehind: number }[];
}

export async function getJson<T>(path: string, token: string | null): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      headers: token ? { authorization: `Bearer ${token}`, accept: 'application/json' } : { accept: 'application/json' },
      cache: 'no-store',
    });
  } catch {
    throw new ApiFailure({ kind: 'unavailable', detail: 'The service did not answer (network error).' });
  }
  if (response.ok) return (await response.json()) as T;
  const detail = await problemDetail(response);
  if (response.status === 401) throw new ApiFailure({ kind: 'unauthorized', detail });
  if (response.status === 403) throw new ApiFailure({ kind: 'forbidden', detail });
  if (response.status >= 500 || response.status === 429) throw new ApiFailure({ kind: 'unavailable', detail });
  // Anything else is this page's own mistake (a 400 on a window it built): say so plainly.
  throw new Error(`${path.split('?')[0]} answered ${response.status}: ${detail}`);
}

async function problemDetail(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { detail?: unknown };
    if (typeof body.detail === 'string') return body.detail;
  } catch {
    // not a problem document (a proxy's error page)
  }
  return `HTTP ${response.status}`;
}

/** The roles the token claims (unverified: only to decide which sections to ask for; the service decides). */
export function claimedRoles(token: string): string[] {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(
      payload
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(payload.length / 4) * 4, '='),
    );
    const roles = (JSON.parse(json) as { roles?: unknown }).roles;
    return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}
