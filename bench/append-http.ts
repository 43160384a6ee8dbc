import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyChain } from '@cco/transparency-log';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { existsSync, readFileSync } from 'node:fs';
import { backlog, backlogTransactions, describeBacklog, eventCount, waitCaughtUp } from './support/backlog';
import { checkpointLag } from './support/checkpointLag';
import type { Benchmark } from './support/benchmark';
import { printCallers, printCpuProfile } from './support/cpuprofile';
import { adminUrl, createBenchDatabase } from './support/database';
import { officerTokens, runLoad, statusCodes, type Tokens, type Workload } from './support/filings';
import { startBenchKafka } from './support/kafka';
import { oneRowInsert, pgbench } from './support/pgbench';
import { printCounters, settledSnapshot } from './support/pgcounters';
import { machineBusySeconds } from './support/machine';
import { figure, goal, line, ratio, title } from './support/report';
import { cpuSecondsOf, cpuSecondsOfPid, startService, type Service } from './support/service';
import { sampleWaits } from './support/waits';

// Filing and action commands over HTTP, as officers send them: bearer JWT, zod validation,
// an Idempotency-Key on every request, the personal data sealed, the access log, and the
// service's background work running as in production: hash chainer, both projections, and
// (--kafka, on by default) the relay publishing to librdkafka's mock cluster. Windows:
// `filing` (every request a valid filing) and `mixed` (each connection walks deportations
// through file → verify identity → hand over → complete, so 1 request in 4 is a filing). The
// service is its own process (`npm start`'s entry point, NODE_ENV=production, LOG_LEVEL=info,
// logs to a file). Service CPU per filing: the process's CPU seconds (/proc, user + system)
// over the window divided by the filings answered 201, both for the window alone and with the
// CPU the background work spent catching up afterwards (what a filing really costs). Baseline:
// pgbench, a one-row INSERT transaction, same clients, same PostgreSQL. PostgreSQL's counters
// (transactions, rows per table) are printed per event for every window; --count-statements
// adds a last filing window in which support/countPreload.mjs counts the statements the
// service sends, by the part that sent them (issue 18 goal 3). Floor route
// (--floor-route, issue 18 goal 2): a minimal Fastify 5 + zod app (support/floorServer.mjs) with
// one prepared INSERT of the same filing body into a table of its own, its own process, loaded
// first with the same filings, connections and duration; the filing window is compared with it.

const bench: Benchmark = {
  summary:
    'filing and action commands over HTTP (auth, validation, idempotency, sealing, access log, chainer, projections, relay) with autocannon: service CPU per filing, vs pgbench one-row INSERT',
  defaults: {
    connections: 32,
    seconds: 30,
    warmup: 5,
    workloads: 'filing,mixed',
    kafka: true,
    baselineSeconds: 10,
    floorRoute: true,
    countStatements: true,
    countSeconds: 10,
    floor: 10,
    logLevel: 'info',
    profile: false,
    keepLogs: false,
  },
  async run(flags) {
    const connections = Number(flags.connections);
    const duration = Number(flags.seconds);
    const workloads = String(flags.workloads).split(',') as Workload[];
    for (const w of workloads) if (w !== 'filing' && w !== 'mixed') throw new Error(`--workloads takes filing,mixed; not ${w}`);
    const work = mkdtempSync(join(tmpdir(), 'cco-bench-http-'));
    const database = await createBenchDatabase('append_http', { poolSize: 2 });
    const kafka = flags.kafka ? await startBenchKafka() : undefined;
    let service: Service | undefined;
    try {
      await sql.raw(oneRowInsert.setup).execute(database.db);
      const baselineSeconds = Number(flags.baselineSeconds);
      title(`baseline: pgbench, one-row INSERT transaction, ${connections} clients, ${baselineSeconds} s`);
      const base = await pgbench(database.url, { script: oneRowInsert.script(1), clients: connections, seconds: baselineSeconds });
      figure('baseline TPS', base.tps, 'TPS');
      figure('baseline latency p50', base.p50Ms, 'ms', 2);
      figure('baseline latency p99', base.p99Ms, 'ms', 2);
      figure('baseline command', base.command);

      const floorRoute = flags.floorRoute
        ? await measureFloorRoute(database.url, work, connections, duration, Number(flags.warmup))
        : undefined;

      const env: Record<string, string> = {
        DATABASE_URL: database.url,
        // The limiter runs on every request as in production; its allowance is raised so that
        // the benchmark's two officers are not cut to 100 requests/s each.
        RATE_LIMIT_MAX: '1000000000',
        LOG_LEVEL: String(flags.logLevel),
        ...kafka?.env,
      };
      const nodeArgs: string[] = [];
      if (flags.profile) {
        env.CCO_PROFILE_DIR = join(work, 'profile');
        nodeArgs.push('--import', './bench/support/profilePreload.mjs');
      }
      if (flags.countStatements) {
        env.CCO_COUNT_FILE = join(work, 'statements.json');
        nodeArgs.push('--import', './bench/support/countPreload.mjs');
      }
      service = await startService(env, { logFile: join(work, 'service.log'), nodeArgs });
      const tokens = officerTokens(service);
      title('what is on in the service');
      line(
        `  CCO_ROLE=all (API and workers in one process), NODE_ENV=production, bundled; per-party EdDSA JWT (JWKS) on every request, zod validation,`,
      );
      line(
        `  Idempotency-Key on every request, personal data sealed (PERSONAL_DATA_KEY), access log and request log at LOG_LEVEL=${flags.logLevel} to a file,`,
      );
      line(
        `  rate limiter (allowance raised), hash chainer, projections case_board and statistics, relay ${kafka ? "publishing to librdkafka's mock cluster (3 brokers, 6 partitions)" : 'OFF (--kafka false)'}`,
      );
      if (flags.countStatements)
        line('  statement counter preloaded (support/countPreload.mjs): idle, one flag test per query, except in its own last window');

      if (Number(flags.warmup) > 0) {
        await runLoad(service.url, tokens, workloads[0]!, connections, Number(flags.warmup));
        await waitCaughtUp(database.db, 60_000);
      }
      let counters = await settledSnapshot(adminUrl, database.name);
      const startMemory = service.memory();
      let maxRss = startMemory.rss;
      const sampler = setInterval(() => (maxRss = Math.max(maxRss, service!.memory().rss)), 250);
      for (const workload of workloads) {
        const logBefore = service.logBytes();
        const benchTransactions0 = backlogTransactions;
        const cpu0 = {
          service: service.cpuSeconds(),
          postgres: cpuSecondsOf('postgres'),
          bench: process.cpuUsage(),
          machine: machineBusySeconds(),
          kafka: cpuSecondsOfPid(kafka?.cluster.pid),
        };
        if (flags.profile) service.signal('SIGWINCH');
        const waits = sampleWaits(adminUrl, database.name, 10); // from the admin database: its queries are not the bench database's transactions
        const windowStart = new Date();
        const { result, filed } = await runLoad(service.url, tokens, workload, connections, duration);
        if (flags.profile) service.signal('SIGWINCH');
        const cpu = {
          service: service.cpuSeconds() - cpu0.service,
          postgres: cpuSecondsOf('postgres') - cpu0.postgres,
          bench: (process.cpuUsage(cpu0.bench).user + process.cpuUsage(cpu0.bench).system) / 1e6,
          machine: machineBusySeconds() - cpu0.machine,
          kafka: cpuSecondsOfPid(kafka?.cluster.pid) - cpu0.kafka,
        };
        const behind = await backlog(database.db);
        const caughtUp = await waitCaughtUp(database.db, 120_000);
        const cpuWithCatchUp = service.cpuSeconds() - cpu0.service;
        const rps = result.requests.total / result.duration;

        title(
          `append-http, ${workload} workload: ${connections} connections, ${duration} s${flags.warmup ? ` (after a ${flags.warmup} s warm-up)` : ''}`,
        );
        figure('requests', result.requests.total);
        figure('requests/s', rps, 'req/s');
        figure('filings answered 201', filed);
        figure('latency p50', result.latency.p50, 'ms', 2);
        figure('latency p97.5', result.latency.p97_5, 'ms', 2);
        figure('latency p99', result.latency.p99, 'ms', 2);
        figure('latency max', result.latency.max, 'ms', 2);
        figure('non-2xx responses', result.non2xx);
        figure('errors / timeouts', `${result.errors} / ${result.timeouts}`);
        figure('status codes', statusCodes(result));
        figure('service CPU', (cpu.service / result.duration) * 100, '% of a core');
        figure("postgres CPU (all backends, other tenants' too)", (cpu.postgres / result.duration) * 100, '% of a core');
        figure('benchmark process CPU (autocannon)', (cpu.bench / result.duration) * 100, '% of a core');
        figure('machine CPU busy, all processes (2 vCPUs = 200 %)', (cpu.machine / result.duration) * 100, '% of a core');
        figure('Kafka mock cluster CPU', (cpu.kafka / result.duration) * 100, '% of a core');
        figure(
          '  other processes (other tenants, not PostgreSQL)',
          ((cpu.machine - cpu.service - cpu.postgres - cpu.bench - cpu.kafka) / result.duration) * 100,
          '% of a core',
        );
        figure('service CPU per request (window)', (cpu.service / result.requests.total) * 1000, 'ms', 3);
        figure('service CPU per filing (window)', (cpu.service / filed) * 1000, 'ms', 3);
        figure('postgres CPU per filing (window)', (cpu.postgres / filed) * 1000, 'ms', 3);
        // What bounds req/s once the cores are busy: every CPU-second a filing costs on this
        // machine (service, PostgreSQL, load generator, Kafka), against the cores there are.
        const ceiling = cpus().length / ((cpu.service + cpu.postgres + cpu.bench + cpu.kafka) / result.requests.total);
        figure(`ceiling at these CPU costs on ${cpus().length} cores`, ceiling, 'req/s');
        if (workload === 'filing' && floorRoute)
          figure('  ceiling ÷ floor route req/s (a bound on goal 2 at these costs)', `${((ceiling / floorRoute.rps) * 100).toFixed(1)} %`);
        figure('background work behind at end of window', describeBacklog(behind), 'events');
        figure(
          'caught up after the window in',
          caughtUp.last.max === 0 ? `${caughtUp.seconds.toFixed(1)} s` : `NOT within 120 s (${describeBacklog(caughtUp.last)})`,
        );
        figure('service CPU per filing (window + catch-up)', (cpuWithCatchUp / filed) * 1000, 'ms', 3);
        // The transparency log: how long after its commit each event of the window was covered by
        // a signed checkpoint (issue 13: p99 < 2 s under this load).
        const lag = await checkpointLag(database.db, windowStart, 60_000);
        figure(
          'checkpoint lag p50 / p99 / max (events of the window)',
          lag
            ? `${lag.p50.toFixed(2)} / ${lag.p99.toFixed(2)} / ${lag.max.toFixed(2)} s over ${lag.events} events`
            : 'no checkpoint covered them within 60 s',
        );
        goal('checkpoint lag p99 < 2 s', lag !== undefined && lag.p99 < 2, lag ? `${lag.p99.toFixed(2)} s` : 'not covered');
        figure('service log written', (service.logBytes() - logBefore) / result.requests.total, 'bytes/request', 0);
        ratio('ratio req/s ÷ baseline TPS', rps, base.tps);
        if (workload === 'filing' && floorRoute) {
          ratio('ratio req/s ÷ floor route req/s', rps, floorRoute.rps);
          ratio('ratio CPU per filing (window) ÷ floor route CPU per request', cpu.service / filed, floorRoute.cpuPerRequest);
          goal('≥ 40 % of the floor route', rps >= 0.4 * floorRoute.rps, `${((rps / floorRoute.rps) * 100).toFixed(1)} %`);
        }
        if (workload === 'filing')
          goal(
            'service CPU per filing ≤ 0.5 ms (window + catch-up)',
            cpuWithCatchUp / filed <= 0.0005,
            `${((cpuWithCatchUp / filed) * 1000).toFixed(3)} ms`,
          );
        else goal('≥ 50 % of the baseline TPS', rps >= 0.5 * base.tps, `${((rps / base.tps) * 100).toFixed(1)} %`);
        goal('p99 < 25 ms', result.latency.p99 < 25, `${result.latency.p99} ms`);
        await waits.stop(`${workload} window`);
        const after = await settledSnapshot(adminUrl, database.name);
        printCounters(`${workload} window`, counters, after, backlogTransactions - benchTransactions0);
        counters = after;
      }
      if (flags.countStatements) {
        const benchTransactions0 = backlogTransactions;
        const events0 = await eventCount(database.db);
        service.signal('SIGURG');
        const { result, filed } = await runLoad(service.url, tokens, 'filing', connections, Number(flags.countSeconds));
        const caughtUp = await waitCaughtUp(database.db, 120_000);
        service.signal('SIGURG');
        const events = (await eventCount(database.db)) - events0;
        title(
          `statements the service sent (filing workload with the counter on, ${flags.countSeconds} s, and the background work's catch-up)`,
        );
        figure('requests/s (counter on: not a throughput figure)', result.requests.total / result.duration, 'req/s');
        figure('filings answered 201 / events appended', `${filed} / ${events}`);
        figure(
          'caught up after the window in',
          caughtUp.last.max === 0 ? `${caughtUp.seconds.toFixed(1)} s` : `NOT within 120 s (${describeBacklog(caughtUp.last)})`,
        );
        await printStatements(join(work, 'statements.json'), events);
        const after = await settledSnapshot(adminUrl, database.name);
        printCounters('counted filing window', counters, after, backlogTransactions - benchTransactions0);
        counters = after;
      }
      clearInterval(sampler);
      const memory = service.memory();
      title('service memory');
      figure('service RSS at start of the first window', startMemory.rss / 2 ** 20, 'MiB');
      figure('service RSS max sampled during the windows', maxRss / 2 ** 20, 'MiB');
      figure('service peak RSS (VmHWM, whole life)', memory.peak / 2 ** 20, 'MiB');
      figure('service V8 heap total / used, external (at end)', await heapFigures(service.metricsUrl), 'MiB');
      goal('peak RSS < 250 MB', memory.peak < 250e6, `${(memory.peak / 1e6).toFixed(1)} MB`);

      if (Number(flags.floor) > 0) await httpFloor(service, tokens, connections, Number(flags.floor), base.tps);

      // What the load left behind, once the background work caught up: the guarantees held.
      await waitCaughtUp(database.db, 30_000);
      const { rows } = await sql<{ events: string; chained: string; access: string; keys: string }>`
        select (select count(*) from events) as events, (select count(*) from event_chain) as chained,
               (select count(*) from personal_data_access) as access, (select count(*) from idempotency_keys) as keys`.execute(database.db);
      const counts = rows[0]!;
      const chain = await verifyChain(database.db);
      title('after the run');
      figure('events stored', Number(counts.events));
      figure('events chained', Number(counts.chained));
      figure('access-log rows / idempotency keys', `${counts.access} / ${counts.keys}`);
      figure('background work behind', describeBacklog(await backlog(database.db)), 'events');
      figure('verifyChain', chain.ok ? `ok, ${chain.checked} links` : `BROKEN at ${chain.firstBrokenPosition}`);
      await service.stop();
      if (flags.profile) printCpuProfile(join(work, 'profile'));
      if (flags.profile && process.env.CCO_BENCH_CALLERS)
        for (const fn of process.env.CCO_BENCH_CALLERS.split(',')) printCallers(join(work, 'profile'), fn);
    } finally {
      await service?.stop();
      await kafka?.cluster.stop();
      await database.drop();
      if (flags.keepLogs) line(`  logs kept in ${work}`);
      else rmSync(work, { recursive: true, force: true });
    }
  },
};
export default bench;

/** The counts support/countPreload.mjs wrote: statements per event by the part of the service that sent them, and by statement. */
async function printStatements(file: string, events: number) {
  const deadline = Date.now() + 5000;
  while (!existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(file)) {
    line('  (the counter wrote no file)');
    return;
  }
  const counts = JSON.parse(readFileSync(file, 'utf8')) as {
    sampleEvery: number;
    statements: Record<string, number>;
    sampled: Record<string, number>;
  };
  const total = Object.values(counts.statements).reduce((a, b) => a + b, 0);
  const sampledTotal = Object.values(counts.sampled).reduce((a, b) => a + b, 0);
  const byComponent = new Map<string, number>();
  for (const [key, n] of Object.entries(counts.sampled)) {
    const component = key.split('\t')[0]!;
    byComponent.set(component, (byComponent.get(component) ?? 0) + n);
  }
  figure('statements sent (exact)', `${total} (${(total / events).toFixed(3)} per event)`);
  line(`  by the part that sent them (1 statement in ${counts.sampleEvery} sampled: ${sampledTotal} samples; share × exact total):`);
  const share = (component: string) => ((byComponent.get(component) ?? 0) / sampledTotal) * total;
  for (const [component] of [...byComponent].sort((a, b) => b[1] - a[1]))
    figure(`  ${component}`, `${(share(component) / events).toFixed(3)} per event`);
  const background = share('chainer') + share('projections') + share('relay') + share('worker loop (step not on the stack)');
  const commands = share('command') + share('command (NOTIFY after commit)');
  figure('chainer + projections + relay (+ worker loop)', `${(background / events).toFixed(3)} statements per event`);
  figure('commands (services/api, with their NOTIFY)', `${(commands / events).toFixed(3)} statements per event`);
  goal('background work < 0.3 statements per event', background / events < 0.3, `${(background / events).toFixed(3)}`);
  line('  by statement (exact counts per event; the parts that sent them, from the samples):');
  for (const [label, n] of Object.entries(counts.statements)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 16)) {
    const who = Object.entries(counts.sampled)
      .filter(([key]) => key.endsWith(`\t${label}`))
      .map(([key, m]) => `${key.split('\t')[0]} ${m}`)
      .join(', ');
    figure(`  ${label}`, `${(n / events).toFixed(3)}${who ? `  [${who}]` : ''}`);
  }
}

/** The floor route (support/floorServer.mjs) as its own process, loaded with the filing workload. */
async function measureFloorRoute(url: string, work: string, connections: number, seconds: number, warmup: number) {
  const floor = await startService({ DATABASE_URL: url }, { entry: 'bench/support/floorServer.mjs', logFile: join(work, 'floor.log') });
  try {
    const tokens = officerTokens(floor); // sent as the service gets them; the floor reads none
    if (warmup > 0) await runLoad(floor.url, tokens, 'filing', connections, warmup);
    const cpu0 = floor.cpuSeconds();
    const postgres0 = cpuSecondsOf('postgres');
    const { result, filed } = await runLoad(floor.url, tokens, 'filing', connections, seconds);
    const cpu = floor.cpuSeconds() - cpu0;
    const rps = result.requests.total / result.duration;
    title(
      `floor route: Fastify 5 + zod + one prepared INSERT of the same filing (own process), ${connections} connections, ${seconds} s${warmup ? ` (after a ${warmup} s warm-up)` : ''}`,
    );
    figure('requests/s', rps, 'req/s');
    figure('rows inserted (201)', filed);
    figure('latency p50', result.latency.p50, 'ms', 2);
    figure('latency p99', result.latency.p99, 'ms', 2);
    figure('non-2xx / errors', `${result.non2xx} / ${result.errors}`);
    figure('floor process CPU', (cpu / result.duration) * 100, '% of a core');
    figure(
      "postgres CPU (all backends, other tenants' too)",
      ((cpuSecondsOf('postgres') - postgres0) / result.duration) * 100,
      '% of a core',
    );
    figure('floor CPU per request', (cpu / result.requests.total) * 1000, 'ms', 3);
    figure('postgres CPU per request', ((cpuSecondsOf('postgres') - postgres0) / result.requests.total) * 1000, 'ms', 3);
    return { rps, cpuPerRequest: cpu / result.requests.total };
  } finally {
    await floor.stop();
  }
}

/**
 * The service's own ceiling on this machine: a request that goes through everything a command
 * does before its handler (rate limit with its JWT check, auth, problem+json, metrics, logging)
 * and then touches no database: GET of an unknown path, 404.
 */
async function httpFloor(service: Service, tokens: Tokens, connections: number, seconds: number, baselineTps: number) {
  const floor = await autocannon({
    url: `${service.url}/v1/no-such-route`,
    connections,
    duration: seconds,
    requests: [{ method: 'GET', headers: { authorization: tokens.CN } }],
  });
  title(`reference: the service's HTTP floor (GET unknown path → 404 problem+json, no database), ${connections} connections, ${seconds} s`);
  figure('requests/s', floor.requests.total / floor.duration, 'req/s');
  figure('latency p50 / p99', `${floor.latency.p50} / ${floor.latency.p99}`, 'ms');
  ratio('ratio floor req/s ÷ baseline TPS', floor.requests.total / floor.duration, baselineTps);
}

/** The service's own memory figures from /metrics (prom-client's default metrics). */
async function heapFigures(metricsUrl: string): Promise<string> {
  const text = await (await fetch(metricsUrl)).text();
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+]+)$`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
  return `${value('nodejs_heap_size_total_bytes').toFixed(1)} / ${value('nodejs_heap_size_used_bytes').toFixed(1)}, ${value('nodejs_external_memory_bytes').toFixed(1)}`;
}
