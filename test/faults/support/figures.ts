/**
 * Prints what a test proved, on one line per test, so a report can quote it:
 *   [faults] fuzz: requests=10240 ...
 */
export function printFigures(test: string, figures: Record<string, string | number | boolean>) {
  const parts = Object.entries(figures).map(([k, v]) => `${k}=${v}`);
  console.info(`[faults] ${test}: ${parts.join(' ')}`);
}
