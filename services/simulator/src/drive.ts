import type { Plan } from './plan';
import type { PlannedCase } from './plannedCase';
import type { TokenFor } from './tokens';

export interface DriveOptions {
  url: string;
  tokenFor: TokenFor;
  /** Cases in flight at once; each case's own steps go one after the other. */
  concurrency?: number;
  onProgress?: (progress: Progress) => void;
}

export interface Progress {
  casesDone: number;
  cases: number;
  requests: number;
  /** Business date of the latest case started. */
  at: string;
}

/**
 * Sends the plan to the API. Every request carries an Idempotency-Key made of the seed, the
 * window and the step, so a retry after a timeout never doubles an event, and driving the same
 * plan again against the same service changes nothing.
 */
export async function drive(plan: Plan, options: DriveOptions): Promise<Progress> {
  const progress: Progress = { casesDone: 0, cases: plan.cases.length, requests: 0, at: plan.from };
  const keyPrefix = `sim:${plan.seed}:${plan.scale}:${plan.from}:${plan.to}`;
  const send = async (path: string, token: string, body: unknown, key: string) => {
    progress.requests += 1;
    return post(`${options.url}${path}`, token, body, key);
  };
  const driveCase = async (planned: PlannedCase, index: number) => {
    const filed = await send('/v1/cases', options.tokenFor(planned.requestingParty, 'officer'), planned.filing, `${keyPrefix}:${index}:file`);
    for (const [i, step] of planned.steps.entries()) {
      await send(`/v1/cases/${filed.id}/${step.action}`, options.tokenFor(step.by, step.role), step.body, `${keyPrefix}:${index}:${i}`);
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < plan.cases.length) {
      const index = next++;
      const planned = plan.cases[index]!;
      progress.at = planned.filing.occurredAt.slice(0, 10);
      await driveCase(planned, index);
      progress.casesDone += 1;
      options.onProgress?.(progress);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return progress;
}

/** POSTs JSON; retries what may be transient (network, 429, 5xx) with the same key; a 4xx is a bug in the plan. */
async function post(url: string, token: string, body: unknown, key: string): Promise<{ id: string }> {
  for (let attempt = 1; ; attempt++) {
    let status = 0;
    let answer: any;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      });
      status = response.status;
      answer = await response.json().catch(() => undefined);
    } catch (error) {
      if (attempt >= 6) throw error;
    }
    if (status >= 200 && status < 300) return answer;
    if (status >= 400 && status < 500 && status !== 429) {
      // The problem document (never the body sent, which holds personal data).
      throw new Error(`POST ${new URL(url).pathname} answered ${status} ${answer?.type ?? ''}: ${answer?.detail ?? ''}`);
    }
    if (attempt >= 6) throw new Error(`POST ${new URL(url).pathname} kept failing (${status})`);
    await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
  }
}
