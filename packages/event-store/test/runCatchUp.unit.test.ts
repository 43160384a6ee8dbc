import { afterEach, expect, it } from 'vitest';
import { runCatchUp, type CatchUp } from '../src/runCatchUp';

// The loop every reader of the log runs in (chainer, projections, relay), with real timers
// and no database: steps while there is work, sleeps until a wake-up, gathers wake-ups into
// one step per minIntervalMs, backs off on errors, stops promptly.

const loops: CatchUp[] = [];
afterEach(async () => {
  await Promise.all(loops.splice(0).map((l) => l.stop()));
});
const start = (options: Parameters<typeof runCatchUp>[0]) => {
  const loop = runCatchUp(options);
  loops.push(loop);
  return loop;
};
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(2);
  }
}

it('steps while there is work, then sleeps until a wake-up rather than the polling interval', async () => {
  const work = [3, 2, 0, 1, 0];
  let steps = 0;
  let wake!: () => void;
  start({
    step: async () => work[steps++] ?? 0,
    wake: async (nudge) => {
      wake = nudge;
      return async () => {};
    },
    idleMs: 60_000,
  });
  await until(() => steps === 3);
  await delay(50);
  expect(steps).toBe(3); // caught up: asleep, not polling
  wake();
  await until(() => steps === 5);
});

it('with minIntervalMs, a stream of wake-ups becomes one step per interval, none sooner', async () => {
  const starts: number[] = [];
  const loop = start({
    step: async () => {
      starts.push(Date.now());
      return 0;
    },
    idleMs: 60_000,
    minIntervalMs: 40,
  });
  const until300 = Date.now() + 300;
  while (Date.now() < until300) {
    loop.nudge();
    await delay(3);
  }
  // Nudged some 80 times: at most one step per 40 ms (plus the first), never two closer.
  expect(starts.length).toBeGreaterThanOrEqual(4);
  expect(starts.length).toBeLessThanOrEqual(300 / 40 + 2);
  for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(39);
});

it('with minIntervalMs, a step longer than the interval (a backlog) is followed at once', async () => {
  const gaps: number[] = [];
  let ended = 0;
  let steps = 0;
  start({
    step: async () => {
      if (ended) gaps.push(Date.now() - ended);
      await delay(60);
      ended = Date.now();
      return ++steps < 5 ? 100 : 0;
    },
    idleMs: 60_000,
    minIntervalMs: 20,
  });
  await until(() => steps === 5);
  expect(gaps).toHaveLength(4);
  for (const gap of gaps) expect(gap).toBeLessThan(15);
});

it('backs off after errors, reporting each attempt, and resets once a step succeeds', async () => {
  const attempts: number[] = [];
  let steps = 0;
  start({
    step: async () => {
      steps++;
      if (steps <= 3) throw new Error('database down');
      return 0;
    },
    onError: (_error, attempt) => attempts.push(attempt),
    idleMs: 60_000,
    maxBackoffMs: 50,
  });
  await until(() => steps === 4);
  expect(attempts).toEqual([1, 2, 3]);
});

it('stop ends the loop promptly, even in the middle of a pause between steps', async () => {
  let steps = 0;
  const loop = start({
    step: async () => {
      steps++;
      return 1; // always more work: the loop is pausing between steps when stopped
    },
    minIntervalMs: 10_000,
  });
  await until(() => steps === 1);
  loop.nudge();
  const t = Date.now();
  await loop.stop();
  expect(Date.now() - t).toBeLessThan(500);
  expect(steps).toBe(1);
});

it('with fullBatch, a step that filled its batch (a backlog) is followed at once, whatever minIntervalMs', async () => {
  const work = [100, 100, 100, 40, 100];
  const starts: number[] = [];
  start({
    step: async () => {
      starts.push(Date.now());
      return work[starts.length - 1] ?? 0;
    },
    idleMs: 60_000,
    minIntervalMs: 200,
    fullBatch: 100,
  });
  await until(() => starts.length >= 5);
  // Three full batches: the next step at once; a partial one (40): the interval holds again.
  for (const i of [1, 2, 3]) expect(starts[i]! - starts[i - 1]!).toBeLessThan(100);
  expect(starts[4]! - starts[3]!).toBeGreaterThanOrEqual(199);
});
