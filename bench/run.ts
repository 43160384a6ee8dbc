import { describeFlags } from './support/args';
import { adminUrl, dropLeftovers } from './support/database';
import { printMachine } from './support/machine';

// `npm run bench -- <name> [--flag value ...]`: one benchmark, its figures, the machine and its
// baseline measured in the same run. See bench/README.md.

import type { Benchmark } from './support/benchmark';

const benchmarks: Record<string, () => Promise<{ default: Benchmark }>> = {
  'append-http': () => import('./append-http'),
  'append-store': () => import('./append-store'),
  import: () => import('./import'),
  memory: () => import('./memory'),
  rebuild: () => import('./rebuild'),
  relay: () => import('./relay'),
  shapes: () => import('./shapes'),
  stats: () => import('./stats'),
  tlog: () => import('./tlog'),
};

const [name, ...args] = process.argv.slice(2);
// --cpu-profile: every benchmark samples the phases it runs in its own process (support/profiled.ts).
const argv = args.filter((a) => a !== '--cpu-profile');
if (argv.length !== args.length) process.env.CCO_BENCH_CPU_PROFILE = '1';
if (!name || !(name in benchmarks)) {
  console.error(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [--flag value ...] [--cpu-profile]`);
  for (const [n, load] of Object.entries(benchmarks)) {
    const b = (await load()).default;
    console.error(`  ${n.padEnd(13)} ${b.summary}\n  ${''.padEnd(13)} ${describeFlags(b.defaults)}`);
  }
  process.exit(2);
}

const { parseFlags } = await import('./support/args');
const { printProfiles } = await import('./support/profiled');
const bench = (await benchmarks[name]!()).default;
const flags = parseFlags(argv, bench.defaults);
let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  console.error('\ninterrupted: dropping the benchmark databases');
  void dropLeftovers().finally(() => process.exit(130));
});

console.log(`# npm run bench -- ${name} ${describeFlags(flags)}${process.env.CCO_BENCH_CPU_PROFILE === '1' ? ' --cpu-profile' : ''}`);
console.log(`# ${bench.summary}`);
let code = 0;
try {
  await printMachine(adminUrl);
  await bench.run(flags);
  printProfiles();
} catch (error) {
  if (!interrupted) console.error(error);
  code = 1;
} finally {
  await dropLeftovers();
}
process.exit(code);
