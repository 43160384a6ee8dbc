/** A benchmark `npm run bench -- <name>` runs: its own module, so that bench/run.ts and the benchmarks import it and not each other. */
export interface Benchmark {
  summary: string;
  defaults: Record<string, number | string | boolean>;
  run(flags: Record<string, number | string | boolean>): Promise<void>;
}
