import type { Party } from '@cco/domain';
import { deportation, extradition, victimRepatriation } from './kinds';
import { DAY_MS, HOUR_MS, type PlannedCase } from './plannedCase';
import { createRandom, type Random } from '@cco/testkit';
import { deportationFallout, deportationsCompletedPerMonth, otherFilingsPerMonth } from './rates';

export interface PlanOptions {
  /** First and last UTC day of the simulated history, YYYY-MM-DD. */
  from: string;
  to: string;
  seed: number;
  /** Multiplies every rate (a small history for tests: 0.05). */
  scale?: number;
  /** Business time may not be in the future: history stops at now at the latest. */
  now?: Date;
}

export interface Plan extends Required<Omit<PlanOptions, 'now'>> {
  cases: PlannedCase[];
}

type Maker = (random: Random, by: Party, filed: Date, limit: Date) => PlannedCase;

/**
 * The whole history, decided up front from the seed alone: month by month, how many cases of
 * each kind are filed, when, about whom and how each goes on. Driving it later in any order or
 * concurrency gives the same business content; only ids and record times differ.
 */
export function planHistory(options: PlanOptions): Plan {
  const scale = options.scale ?? 1;
  const random = createRandom(options.seed);
  const start = new Date(`${options.from}T00:00:00.000Z`);
  const limit = new Date(Math.min(Date.parse(`${options.to}T23:59:59.999Z`), (options.now ?? new Date()).getTime()));
  const cases: { filed: Date; planned: PlannedCase }[] = [];

  for (
    let month = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
    month <= limit;
    month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1))
  ) {
    const year = month.getUTCFullYear();
    const others = otherFilingsPerMonth(year);
    // Filed so that, after refusals and withdrawals, the completions come out at the rate wanted.
    const completing = 1 - deportationFallout.refused - deportationFallout.withdrawn;
    const rates: [Maker, Party, number][] = [
      [deportation, 'CN', deportationsCompletedPerMonth(year, month.getUTCMonth()) / completing],
      [deportation, 'KH', others.deportationByKH],
      [extradition, 'CN', others.extraditionByCN],
      [extradition, 'KH', others.extraditionByKH],
      [victimRepatriation, 'KH', others.victimsByKH],
      [victimRepatriation, 'CN', others.victimsByCN],
    ];
    const monthEnd = Date.UTC(year, month.getUTCMonth() + 1, 1);
    for (const [make, by, rate] of rates) {
      // Rounded at random, so fractional rates (an extradition every few months) add up right.
      const count = Math.floor(rate * scale + random.next());
      for (let i = 0; i < count; i++) {
        // Office hours in Phnom Penh and Beijing (UTC+7/+8) are about 01:00–10:00 UTC.
        const day = month.getTime() + Math.floor((random.next() * (monthEnd - month.getTime())) / DAY_MS) * DAY_MS;
        const filed = new Date(day + random.int(1, 9) * HOUR_MS + random.int(0, 59) * 60_000);
        if (filed < start || filed > limit) continue;
        cases.push({ filed, planned: make(random, by, filed, limit) });
      }
    }
  }
  cases.sort((a, b) => a.filed.getTime() - b.filed.getTime());
  return { from: options.from, to: options.to, seed: options.seed, scale, cases: cases.map((c) => c.planned) };
}

/** Completed deportations the plan puts in [from, to] (UTC days, inclusive): what the API must answer. */
export function plannedDeportations(plan: Plan, from: string, to: string): number {
  const start = `${from}T00:00:00.000Z`;
  const end = `${to}T23:59:59.999Z`;
  return plan.cases.filter((c) => {
    const completion = c.kind === 'deportation' ? c.steps.find((s) => s.action === 'completion') : undefined;
    if (!completion) return false;
    const at = new Date(completion.body.occurredAt).toISOString();
    return at >= start && at <= end;
  }).length;
}
