import type { Kysely } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyChain } from '@cco/event-store';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import type { Benchmark } from './support/benchmark';
import { printCallers, printCpuProfile } from './support/cpuprofile';
import { createBenchDatabase } from './support/database';
import { oneRowInsert, pgbench } from './support/pgbench';
import { figure, goal, line, ratio, title } from './support/report';
import { cpuSecondsOf, startService, type Service } from './support/service';
import { sampleWaits } from './support/waits';
import { deportationFiling, steps, walkSteps } from '@cco/testkit';

// Filing and action commands over HTTP, as officers send them: bearer JWT, zod validation,
// an Idempotency-Key on every request, the personal data sealed, the access log, and the
// service's background work running as in production (hash chainer, projections; Kafka idle).
// Each connection walks deportations through their lifecycle (the test kit's walkSteps, as the
// fault tests walk them): file → verify identity → hand over → complete, so 1 request in 4 is a filing. The service is its own process
// (`npm start`'s entry point, NODE_ENV=production, LOG_LEVEL=info, logs to a file); its peak
// RSS is the kernel's VmHWM. Baseline: pgbench, a one-row INSERT transaction, same clients,
// same duration, same PostgreSQL.

const bench: Benchmark = {
  summary: 'filing and action commands over HTTP (auth, validation, idempotency, sealing, access log, hash chain) with autocannon, vs pgbench one-row INSERT',
  defaults: { connections: 32, seconds: 30, warmup: 5, floor: 10, logLevel: 'info', profile: false, keepLogs: false },
  async run(flags) {
    const connections = Number(flags.connections);
    const duration = Number(flags.seconds);
    const work = mkdtempSync(join(tmpdir(), 'cco-bench-http-'));
    const database = await createBenchDatabase('append_http', { poolSize: 2 });
    let service: Service | undefined;
    try {
      await sql.raw(oneRowInsert.setup).execute(database.db);
      title(`baseline: pgbench, one-row INSERT transaction, ${connections} clients, ${duration} s`);
      const base = await pgbench(database.url, { script: oneRowInsert.script(1), clients: connections, seconds: duration });
      figure('baseline TPS', base.tps, 'TPS');
      figure('baseline latency p50', base.p50Ms, 'ms', 2);
      figure('baseline latency p99', base.p99Ms, 'ms', 2);
      figure('baseline command', base.command);

      const env: Record<string, string> = {
        DATABASE_URL: database.url,
        // The limiter runs on every request as in production; its allowance is raised so that
        // the benchmark's two officers are not cut to 100 requests/s each.
        RATE_LIMIT_MAX: '1000000000',
        LOG_LEVEL: String(flags.logLevel),
      };
      if (flags.profile) env.CCO_PROFILE_DIR = join(work, 'profile');
      service = await startService(env, { logFile: join(work, 'service.log'), nodeArgs: flags.profile ? ['--import', './bench/support/profilePreload.mjs'] : [] });
      const tokens = {
        CN: `Bearer ${service.token({ sub: 'cn-bench-officer', party: 'CN', roles: ['officer'] })}`,
        KH: `Bearer ${service.token({ sub: 'kh-bench-officer', party: 'KH', roles: ['officer'] })}`,
      };

      if (Number(flags.warmup) > 0) await load(service, tokens, connections, Number(flags.warmup));
      const startMemory = service.memory();
      const logBefore = service.logBytes();
      const cpu0 = { service: service.cpuSeconds(), postgres: cpuSecondsOf('postgres'), bench: process.cpuUsage() };
      let maxRss = startMemory.rss;
      const sampler = setInterval(() => (maxRss = Math.max(maxRss, service!.memory().rss)), 250);
      if (flags.profile) service.signal('SIGWINCH');
      const waits = sampleWaits(database.url, database.name, 10);
      const result = await load(service, tokens, connections, duration);
      if (flags.profile) service.signal('SIGWINCH');
      clearInterval(sampler);
      const stopWaits = () => waits.stop('during the measured run');
      const cpu = {
        service: service.cpuSeconds() - cpu0.service,
        postgres: cpuSecondsOf('postgres') - cpu0.postgres,
        bench: (process.cpuUsage(cpu0.bench).user + process.cpuUsage(cpu0.bench).system) / 1e6,
      };
      const memory = service.memory();
      const heap = await heapFigures(service.metricsUrl);
      const rps = result.requests.total / result.duration;

      title(`append-http: ${connections} connections, ${duration} s (after ${flags.warmup} s warm-up)`);
      figure('requests', result.requests.total);
      figure('requests/s', rps, 'req/s');
      figure('latency p50', result.latency.p50, 'ms', 2);
      figure('latency p97.5', result.latency.p97_5, 'ms', 2);
      figure('latency p99', result.latency.p99, 'ms', 2);
      figure('latency max', result.latency.max, 'ms', 2);
      figure('non-2xx responses', result.non2xx);
      figure('errors / timeouts', `${result.errors} / ${result.timeouts}`);
      figure('status codes', JSON.stringify(Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count]))));
      figure('service RSS at start of run', memory && startMemory.rss / 2 ** 20, 'MiB');
      figure('service RSS max sampled during run', maxRss / 2 ** 20, 'MiB');
      figure('service peak RSS (VmHWM, whole life)', memory.peak / 2 ** 20, 'MiB');
      figure('service V8 heap total / used, external (at end)', heap, 'MiB');
      figure('service CPU', (cpu.service / result.duration) * 100, '% of a core');
      figure('postgres CPU (all backends)', (cpu.postgres / result.duration) * 100, '% of a core');
      figure('benchmark process CPU (autocannon)', (cpu.bench / result.duration) * 100, '% of a core');
      figure('service log written', (service.logBytes() - logBefore) / result.requests.total, 'bytes/request', 0);
      ratio('ratio req/s ÷ baseline TPS', rps, base.tps);
      goal('≥ 50 % of the baseline TPS', rps >= 0.5 * base.tps, `${((rps / base.tps) * 100).toFixed(1)} %`);
      goal('p99 < 25 ms', result.latency.p99 < 25, `${result.latency.p99} ms`);
      goal('peak RSS < 250 MB', memory.peak < 250e6, `${(memory.peak / 1e6).toFixed(1)} MB`);
      await stopWaits();

      if (Number(flags.floor) > 0) {
        // The service's own ceiling on this machine: a request that goes through everything a
        // command does before its handler (rate limit with its JWT check, auth, problem+json,
        // metrics, logging) and then touches no database: GET of an unknown path, 404.
        const floor = await autocannon({
          url: `${service.url}/v1/no-such-route`,
          connections,
          duration: Number(flags.floor),
          requests: [{ method: 'GET', headers: { authorization: tokens.CN } }],
        });
        title(`reference: the service's HTTP floor (GET unknown path → 404 problem+json, no database), ${connections} connections, ${flags.floor} s`);
        figure('requests/s', floor.requests.total / floor.duration, 'req/s');
        figure('latency p50 / p99', `${floor.latency.p50} / ${floor.latency.p99}`, 'ms');
        ratio('ratio floor req/s ÷ baseline TPS', floor.requests.total / floor.duration, base.tps);
      }

      // What the load left behind, once the chainer caught up: the guarantees held.
      await waitForChain(database.db, 30_000);
      const { rows } = await sql<{ events: string; chained: string; access: string; keys: string }>`
        select (select count(*) from events) as events, (select count(*) from event_chain) as chained,
               (select count(*) from personal_data_access) as access, (select count(*) from idempotency_keys) as keys`.execute(database.db);
      const counts = rows[0]!;
      const chain = await verifyChain(database.db);
      title('after the run');
      figure('events stored', Number(counts.events));
      figure('events chained', Number(counts.chained));
      figure('access-log rows / idempotency keys', `${counts.access} / ${counts.keys}`);
      figure('verifyChain', chain.ok ? `ok, ${chain.checked} links` : `BROKEN at ${chain.firstBrokenPosition}`);
      await service.stop();
      if (flags.profile) printCpuProfile(join(work, 'profile'));
      if (flags.profile && process.env.CCO_BENCH_CALLERS) for (const fn of process.env.CCO_BENCH_CALLERS.split(',')) printCallers(join(work, 'profile'), fn);
    } finally {
      await service?.stop();
      await database.drop();
      if (flags.keepLogs) line(`  logs kept in ${work}`);
      else rmSync(work, { recursive: true, force: true });
    }
  },
};
export default bench;

async function waitForChain(db: Kysely<any>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await sql<{ behind: string }>`select (select count(*) from events) - (select count(*) from event_chain) as behind`.execute(db);
    if (Number(rows[0]!.behind) === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Idempotency keys, unique across the warm-up and the measured run. */
let key = 0;

function load(service: Service, tokens: { CN: string; KH: string }, connections: number, seconds: number): Promise<autocannon.Result> {
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
  // Every case files the same subject, as before: the bench measures the path, not the data.
  const request = (step: (typeof steps)[number]) => {
    const { sender, path, body } = walkSteps[step];
    return post(tokens[sender], JSON.stringify(body(deportationFiling.subject)), (c) => (step === 'file' ? path(undefined) : c.caseId && path(c.caseId)));
  };
  const requests: autocannon.Request[] = steps.map((step) =>
    step === 'file'
      ? {
          ...request(step),
          onResponse: (status: number, body: string, context: Record<string, string>) => {
            if (status === 201) context.caseId = JSON.parse(body).id;
          },
        }
      : request(step),
  );
  return autocannon({ url: service.url, connections, duration: seconds, requests, initialContext: {} });
}

/** The service's own memory figures from /metrics (prom-client's default metrics). */
async function heapFigures(metricsUrl: string): Promise<string> {
  const text = await (await fetch(metricsUrl)).text();
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+]+)$`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
  return `${value('nodejs_heap_size_total_bytes').toFixed(1)} / ${value('nodejs_heap_size_used_bytes').toFixed(1)}, ${value('nodejs_external_memory_bytes').toFixed(1)}`;
}
