// Everything a benchmark prints goes through here, so every figure has the same shape:
// `  label  value unit`. RESULTS.md is a paste of this output, never a retyped figure.

export function title(text: string) {
  console.log(`\n== ${text}`);
}

export function line(text = '') {
  console.log(text);
}

export function figure(label: string, value: number | string, unit = '', decimals = 1) {
  const shown = typeof value === 'number' ? format(value, decimals) : value;
  console.log(`  ${label.padEnd(44)} ${shown}${unit ? ` ${unit}` : ''}`);
}

/** `value / baseline`, printed as a ratio and a percentage. */
export function ratio(label: string, value: number, baseline: number): number {
  const r = value / baseline;
  console.log(`  ${label.padEnd(44)} ${r.toFixed(3)} (${(r * 100).toFixed(1)} %)`);
  return r;
}

/** A goal and whether this run met it. */
export function goal(text: string, met: boolean, detail = '') {
  console.log(`  GOAL ${text}: ${met ? 'MET' : 'NOT MET'}${detail ? ` (${detail})` : ''}`);
  return met;
}

export function format(n: number, decimals = 1): string {
  if (!Number.isFinite(n)) return String(n);
  const fixed = Math.abs(n) >= 1000 || Number.isInteger(n) ? n.toFixed(0) : n.toFixed(decimals);
  const [int, frac] = fixed.split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac ? `${grouped}.${frac}` : grouped;
}

/** Percentile (nearest rank) of an unsorted list; the list is sorted in place. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  values.sort((a, b) => a - b);
  const rank = Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1));
  return values[rank]!;
}

export function latencySummary(label: string, ms: number[]) {
  const copy = [...ms];
  figure(`${label} p50`, percentile(copy, 50), 'ms', 2);
  figure(`${label} p99`, percentile(copy, 99), 'ms', 2);
  figure(`${label} max`, percentile(copy, 100), 'ms', 2);
}

export const seconds = (startNs: bigint) => Number(process.hrtime.bigint() - startNs) / 1e9;
export const now = () => process.hrtime.bigint();
