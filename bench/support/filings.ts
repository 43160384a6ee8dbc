import autocannon from 'autocannon';
import type { Service } from './service';

// The requests the HTTP benchmarks send, as officers send them: a bearer JWT and an
// Idempotency-Key on every request. Two workloads: `filing` (every request a valid
// deportation filing, POST /v1/cases → 201) and `mixed` (each connection walks deportations
// through file → verify identity → hand over → complete, so 1 request in 4 is a filing).

export const filing = JSON.stringify({
  kind: 'deportation',
  subject: {
    names: [{ script: 'Latn', value: 'ZHANG Wei' }, { script: 'Hans', value: '张伟' }],
    nationality: 'CN',
    dateOfBirth: '1990-04-12',
    documents: [{ type: 'passport', number: 'E12345678', issuingCountry: 'CN' }],
  },
  offences: [{ category: 'telecom_fraud', description: 'investment scam call centre' }],
  warrant: { reference: 'GZ-PSB-2019-0042', issuedBy: 'Guangzhou PSB', issuedOn: '2019-03-01' },
  lastKnownLocation: { province: 'Preah Sihanouk' },
});
const verification = JSON.stringify({ nationalityConfirmed: true, confirmedNationality: 'CN', documentsSufficient: true });
const handover = JSON.stringify({ place: 'Phnom Penh International Airport', receivingOfficers: ['MPS escort team 3'] });

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
export async function runLoad(url: string | string[], tokens: Tokens, workload: Workload, connections: number, seconds: number): Promise<{ result: autocannon.Result; filed: number }> {
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
  const fileCase = {
    ...post(tokens.CN, filing, () => '/v1/cases'),
    onResponse: (status: number, body: string, context: Record<string, string>) => {
      if (status !== 201) return;
      filed++;
      if (workload === 'mixed') context.caseId = JSON.parse(body).id;
    },
  };
  const requests: autocannon.Request[] =
    workload === 'filing'
      ? [fileCase]
      : [
          fileCase,
          post(tokens.KH, verification, (c) => c.caseId && `/v1/cases/${c.caseId}/identity-verification`),
          post(tokens.KH, handover, (c) => c.caseId && `/v1/cases/${c.caseId}/handover`),
          post(tokens.CN, '{}', (c) => c.caseId && `/v1/cases/${c.caseId}/completion`),
        ];
  const result = await autocannon({ url, connections, duration: seconds, requests, initialContext: {} });
  return { result, filed };
}

export const statusCodes = (result: autocannon.Result) =>
  JSON.stringify(Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count])));
