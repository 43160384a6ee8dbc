import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyChain } from '@cco/transparency-log';
import { backlog, describeBacklog, waitCaughtUp } from './support/backlog';
import type { Benchmark } from './support/benchmark';
import { createBenchDatabase } from './support/database';
import { officerTokens, runLoad, statusCodes } from './support/filings';
import { startBenchKafka } from './support/kafka';
import { machineBusySeconds } from './support/machine';
import { figure, line, title } from './support/report';
import { cpuSecondsOf, cpuSecondsOfPid, startService, type Service } from './support/service';

// Deployment shapes on this machine (issue 18 goal 4): the same filing-only load (every request
// a valid filing, 32 connections spread in turn over the API processes) against
//   all          one process, CCO_ROLE=all (API and workers)
//   api+worker   one CCO_ROLE=api process and one CCO_ROLE=worker process
//   2api+worker  two CCO_ROLE=api processes and one CCO_ROLE=worker process
// each on a fresh database of its own, everything on as in `append-http` (JWT, validation,
// idempotency key, sealing, access log; chainer, both projections, relay to librdkafka's mock
// cluster). Figures: req/s, latency, CPU of every service process and of PostgreSQL, service
// CPU per filing (all service processes' CPU ÷ filings, for the window and with the workers'
// catch-up), and how far the workers were behind at the end of the window.

type Role = 'all' | 'api' | 'worker';
const shapes: Record<string, Role[]> = { all: ['all'], 'api+worker': ['worker', 'api'], '2api+worker': ['worker', 'api', 'api'] };

const bench: Benchmark = {
  summary:
    "deployment shapes: CCO_ROLE=all vs api + worker vs 2 × api + worker, the same filing load: req/s, p99, CPU per filing, workers' lag",
  defaults: { connections: 32, seconds: 15, warmup: 3, shapes: Object.keys(shapes).join(','), kafka: true, logLevel: 'info' },
  async run(flags) {
    const connections = Number(flags.connections);
    const duration = Number(flags.seconds);
    const chosen = String(flags.shapes).split(',');
    for (const s of chosen) if (!(s in shapes)) throw new Error(`unknown shape ${s}; known: ${Object.keys(shapes).join(', ')}`);
    const summary: string[] = [];
    for (const [i, shape] of chosen.entries()) summary.push(await runShape(shape, shapes[shape]!, i, connections, duration, flags));
    title('shapes side by side (same run, one after the other)');
    line(
      `  ${'shape'.padEnd(12)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'CPU/filing ms'.padStart(14)} ${'+catch-up ms'.padStart(13)} ${'behind at end'.padStart(14)}`,
    );
    for (const row of summary) line(row);
  },
};
export default bench;

async function runShape(
  shape: string,
  roles: Role[],
  index: number,
  connections: number,
  duration: number,
  flags: Record<string, number | string | boolean>,
): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'cco-bench-shapes-'));
  const database = await createBenchDatabase('shapes', { poolSize: 2, suffix: String(index) });
  const kafka = flags.kafka ? await startBenchKafka() : undefined;
  const processes: { role: Role; service: Service }[] = [];
  try {
    const env: Record<string, string> = {
      DATABASE_URL: database.url,
      RATE_LIMIT_MAX: '1000000000',
      LOG_LEVEL: String(flags.logLevel),
      // One key-encryption key for every process of the deployment (the identity providers are
      // one per run already: startService).
      PERSONAL_DATA_KEY: randomBytes(32).toString('base64'),
      ...kafka?.env,
    };
    // One at a time: each migrates the (same) database on start.
    for (const [n, role] of roles.entries())
      processes.push({ role, service: await startService({ ...env, CCO_ROLE: role }, { logFile: join(work, `${role}-${n}.log`) }) });
    const apis = processes.filter((p) => p.role !== 'worker').map((p) => p.service);
    const urls = apis.map((s) => s.url);
    const tokens = officerTokens(apis[0]!);
    const cpu = () => processes.map((p) => p.service.cpuSeconds());
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

    if (Number(flags.warmup) > 0) {
      await runLoad(urls, tokens, 'filing', connections, Number(flags.warmup));
      await waitCaughtUp(database.db, 60_000);
    }
    const cpu0 = cpu();
    const postgres0 = cpuSecondsOf('postgres');
    const bench0 = process.cpuUsage();
    const machine0 = machineBusySeconds();
    const kafka0 = cpuSecondsOfPid(kafka?.cluster.pid);
    const { result, filed } = await runLoad(urls, tokens, 'filing', connections, duration);
    const cpuWindow = cpu().map((c, i) => c - cpu0[i]!);
    const postgres = cpuSecondsOf('postgres') - postgres0;
    const benchCpu = (process.cpuUsage(bench0).user + process.cpuUsage(bench0).system) / 1e6;
    const machine = machineBusySeconds() - machine0;
    const kafkaCpu = cpuSecondsOfPid(kafka?.cluster.pid) - kafka0;
    const behind = await backlog(database.db);
    const caughtUp = await waitCaughtUp(database.db, 120_000);
    const cpuAll = cpu().map((c, i) => c - cpu0[i]!);
    const rps = result.requests.total / result.duration;

    title(
      `shape ${shape}: ${roles.map((r) => `CCO_ROLE=${r}`).join(' + ')}; filing load, ${connections} connections spread over ${apis.length} API process(es), ${duration} s`,
    );
    figure('requests/s', rps, 'req/s');
    figure('filings answered 201', filed);
    figure('latency p50', result.latency.p50, 'ms', 2);
    figure('latency p99', result.latency.p99, 'ms', 2);
    figure('non-2xx / errors / timeouts', `${result.non2xx} / ${result.errors} / ${result.timeouts}`);
    figure('status codes', statusCodes(result));
    for (const [i, p] of processes.entries())
      figure(`CPU of process ${i + 1} (CCO_ROLE=${p.role})`, (cpuWindow[i]! / result.duration) * 100, '% of a core');
    figure("postgres CPU (all backends, other tenants' too)", (postgres / result.duration) * 100, '% of a core');
    figure('benchmark process CPU (autocannon)', (benchCpu / result.duration) * 100, '% of a core');
    figure('machine CPU busy, all processes (2 vCPUs = 200 %)', (machine / result.duration) * 100, '% of a core');
    figure('Kafka mock cluster CPU', (kafkaCpu / result.duration) * 100, '% of a core');
    figure(
      '  other processes (other tenants, not PostgreSQL)',
      ((machine - sum(cpuWindow) - postgres - benchCpu - kafkaCpu) / result.duration) * 100,
      '% of a core',
    );
    figure('service CPU per filing (window, all processes)', (sum(cpuWindow) / filed) * 1000, 'ms', 3);
    figure('background work behind at end of window', describeBacklog(behind), 'events');
    figure(
      'caught up after the window in',
      caughtUp.last.max === 0 ? `${caughtUp.seconds.toFixed(1)} s` : `NOT within 120 s (${describeBacklog(caughtUp.last)})`,
    );
    figure('service CPU per filing (window + catch-up)', (sum(cpuAll) / filed) * 1000, 'ms', 3);
    const chain = await verifyChain(database.db);
    figure('verifyChain after catch-up', chain.ok ? `ok, ${chain.checked} links` : `BROKEN at ${chain.firstBrokenPosition}`);
    return `  ${shape.padEnd(12)} ${rps.toFixed(0).padStart(8)} ${String(result.latency.p50).padStart(7)} ${String(result.latency.p99).padStart(7)} ${((sum(cpuWindow) / filed) * 1000).toFixed(3).padStart(14)} ${((sum(cpuAll) / filed) * 1000).toFixed(3).padStart(13)} ${String(behind.max).padStart(14)}`;
  } finally {
    for (const p of processes.reverse()) await p.service.stop();
    await kafka?.cluster.stop();
    await database.drop();
    rmSync(work, { recursive: true, force: true });
  }
}
