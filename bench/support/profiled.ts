import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printCpuProfile } from './cpuprofile';
import { line } from './report';

// `npm run bench -- <name> --cpu-profile` (run.ts sets CCO_BENCH_CPU_PROFILE): the phases a
// benchmark runs in its own process (import, rebuild, relay) are sampled by V8's profiler, one
// phase at a time; run.ts prints their self time after the figures. Figures taken under the
// profiler are lower than without it; the run says so.

export const profiling = () => process.env.CCO_BENCH_CPU_PROFILE === '1';

export async function profiled<T>(label: string, phase: () => Promise<T>): Promise<T> {
  if (!profiling()) return phase();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    return await phase();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const dir = mkdtempSync(join(tmpdir(), 'cco-bench-profile-'));
    writeFileSync(join(dir, 'phase.cpuprofile'), JSON.stringify(profile));
    phases.push({ label, dir });
  }
}

const phases: { label: string; dir: string }[] = [];

/** The profiles of the phases, in the order they ran; then they are removed. */
export function printProfiles() {
  if (!profiling()) return;
  if (phases.length === 0) line('\n(--cpu-profile: this benchmark profiles no phase of its own process)');
  for (const { label, dir } of phases.splice(0)) {
    printCpuProfile(dir, 15, `benchmark process CPU profile (${label})`);
    rmSync(dir, { recursive: true, force: true });
  }
  line('\n(--cpu-profile: the figures above were measured under the profiler)');
}
