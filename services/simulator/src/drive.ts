import { createCooperationClient, type CooperationClient } from '@cco/client';
import type { Plan } from './plan';
import type { PlannedCase, PlannedStep } from './plannedCase';
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
  // The generated client (packages/client): the simulator calls the API as the OpenAPI document describes it.
  const client = createCooperationClient({ baseUrl: options.url });
  const driveCase = async (planned: PlannedCase, index: number) => {
    const filed = await post(progress, `${keyPrefix}:${index}:file`, (key) =>
      client.POST('/v1/cases', {
        params: { header: { 'idempotency-key': key } },
        headers: bearer(options.tokenFor(planned.requestingParty, 'officer')),
        body: planned.filing,
      }),
    );
    for (const [i, step] of planned.steps.entries()) {
      await post(progress, `${keyPrefix}:${index}:${i}`, (key) =>
        commandOnCase(client, step.action, filed.id, key, options.tokenFor(step.by, step.role), step.body),
      );
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

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A command on an existing case, by its path (the steps of a plan name them). */
function commandOnCase(client: CooperationClient, action: PlannedStep['action'], id: string, key: string, token: string, body: unknown) {
  const init = { params: { path: { id }, header: { 'idempotency-key': key } }, headers: bearer(token), body: body as never };
  switch (action) {
    case 'identity-verification':
      return client.POST('/v1/cases/{id}/identity-verification', init);
    case 'handover':
      return client.POST('/v1/cases/{id}/handover', init);
    case 'completion':
      return client.POST('/v1/cases/{id}/completion', init);
    case 'refusal':
      return client.POST('/v1/cases/{id}/refusal', init);
    case 'withdrawal':
      return client.POST('/v1/cases/{id}/withdrawal', init);
  }
}

interface Answer {
  data?: { id: string };
  error?: { type?: string; detail?: string };
  response: Response;
}

/** Sends a POST (the same key every attempt); retries what may be transient (network, 429, 5xx); a 4xx is a bug in the plan. */
async function post(progress: Progress, key: string, call: (key: string) => Promise<Answer>): Promise<{ id: string }> {
  progress.requests += 1;
  for (let attempt = 1; ; attempt++) {
    let status = 0;
    let answer: Answer | undefined;
    try {
      answer = await call(key);
      status = answer.response.status;
    } catch (error) {
      if (attempt >= 6) throw error;
    }
    const path = answer ? new URL(answer.response.url).pathname : '';
    if (answer?.data && status >= 200 && status < 300) return answer.data;
    if (status >= 400 && status < 500 && status !== 429) {
      // The problem document (never the body sent, which holds personal data).
      throw new Error(`POST ${path} answered ${status} ${answer?.error?.type ?? ''}: ${answer?.error?.detail ?? ''}`);
    }
    if (attempt >= 6) throw new Error(`POST ${path} kept failing (${status})`);
    await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
  }
}
