import autocannon from 'autocannon';
import { deportationFiling, steps, walkSteps, type Step } from '@cco/testkit';
import type { Service } from './service';

// The requests the HTTP benchmarks send, as officers send them: a bearer JWT and an
// Idempotency-Key on every request. Two workloads: `filing` (every request a valid
// deportation filing, POST /v1/cases → 201) and `mixed` (each connection walks deportations
// through file → verify identity → hand over → complete, so 1 request in 4 is a filing).

// Every case files the same subject: the bench measures the path, not the data.
export const filing = JSON.stringify(walkSteps.file.body(deportationFiling.subject));

export type Workload = 'filing' | 'mixed';
export interface Tokens {
  CN: string;
  KH: string;
}

/** An officer of each party, as the service's (bench) identity providers sign them. */
export function officerTokens(service: Pick<Service, 'token'>): Tokens {
  return {
    CN: `Bearer ${service.token({ sub: 'cn-bench-officer', party: 'CN', roles: ['officer'] })}`,
    KH: `Bearer ${service.token({ sub: 'kh-bench-officer', party: 'KH', roles: ['officer'] })}`,
  };
}

/** Idempotency keys, unique across every window of the run. */
let key = 0;

/** autocannon against `url` (several: connections spread over them) for `seconds`; `filed` counts the filings answered 201. */
export async function runLoad(
  url: string | string[],
  tokens: Tokens,
  workload: Workload,
  connections: number,
  seconds: number,
): Promise<{ result: autocannon.Result; filed: number }> {
  let filed = 0;
  const post = (token: string, body: string, path: (context: Record<string, string>) => string | undefined) => ({
    method: 'POST' as const,
    setupRequest: (request: autocannon.Request, context: Record<string, string>) => {
      const target = path(context);
      if (!target) return undefined as never; // the filing failed: start the cycle again
      return {
        ...request,
        path: target,
        body,
        headers: { 'content-type': 'application/json', authorization: token, 'idempotency-key': `bench-${process.pid}-${++key}` },
      };
    },
  });
  // The same walk as the fault tests' (the test kit's walkSteps): who sends what where.
  const request = (step: Step) => {
    const { sender, path, body } = walkSteps[step];
    return post(tokens[sender], step === 'file' ? filing : JSON.stringify(body(deportationFiling.subject)), (c) =>
      step === 'file' ? path(undefined) : c.caseId && path(c.caseId),
    );
  };
  const fileCase = {
    ...request('file'),
    onResponse: (status: number, body: string, context: Record<string, string>) => {
      if (status !== 201) return;
      filed++;
      if (workload === 'mixed') context.caseId = JSON.parse(body).id;
    },
  };
  const requests: autocannon.Request[] =
    workload === 'filing' ? [fileCase] : [fileCase, ...steps.filter((step) => step !== 'file').map(request)];
  const result = await autocannon({ url, connections, duration: seconds, requests, initialContext: {} });
  return { result, filed };
}

export const statusCodes = (result: autocannon.Result) =>
  JSON.stringify(Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count])));
