import { describe, expect, it } from 'vitest';
import { planHistory, plannedDeportations } from '../src/plan';

const now = new Date('2026-11-23T00:00:00Z');
const office = planHistory({ from: '2014-01-01', to: '2019-10-31', seed: 1, now });

describe('the simulated history', () => {
  it('is the same for the same seed, and another for another seed', () => {
    expect(planHistory({ from: '2014-01-01', to: '2019-10-31', seed: 1, now })).toEqual(office);
    const other = planHistory({ from: '2014-01-01', to: '2019-10-31', seed: 2, now });
    expect(other.cases.length).not.toBe(office.cases.length);
  });

  it('reproduces the office figures: about 1,000 in the 12 months to October 2019, at least 2,700 from 2014 to August 2019', () => {
    const lastYear = plannedDeportations(office, '2018-11-01', '2019-10-31');
    expect(lastYear).toBeGreaterThanOrEqual(950);
    expect(lastYear).toBeLessThanOrEqual(1050);
    expect(plannedDeportations(office, '2014-01-01', '2019-08-31')).toBeGreaterThanOrEqual(2700);
  });

  it('has both parties, all three kinds, refusals with grounds and reasons, withdrawals and late verifications', () => {
    const seen = new Set(office.cases.map((c) => `${c.kind}:${c.requestingParty}`));
    expect([...seen].sort()).toEqual([
      'deportation:CN',
      'deportation:KH',
      'extradition:CN',
      'extradition:KH',
      'victim_repatriation:CN',
      'victim_repatriation:KH',
    ]);
    const steps = office.cases.flatMap((c) => c.steps);
    const refusals = steps.filter((s) => s.action === 'refusal');
    expect(new Set(refusals.map((s) => s.body.ground)).size).toBeGreaterThan(4);
    expect(refusals.every((s) => typeof s.body.reason === 'string' && s.body.reason.length > 0 && s.role === 'supervisor')).toBe(true);
    expect(steps.some((s) => s.action === 'withdrawal')).toBe(true);
    const offences = new Set(
      office.cases.flatMap((c) => ((c.filing.offences as { category: string }[] | undefined) ?? []).map((o) => o.category)),
    );
    expect(offences.size).toBe(8);
  });

  it('keeps to the rules the API enforces', () => {
    for (const c of office.cases) {
      const times = [c.filing.occurredAt, ...c.steps.map((s) => s.body.occurredAt)].map((t) => Date.parse(t));
      expect(times).toEqual([...times].sort((a, b) => a - b)); // chronology
      expect(times.at(-1)!).toBeLessThanOrEqual(Date.parse('2019-10-31T23:59:59.999Z'));
      const subject = c.filing.subject as { nationality: string };
      if (c.kind === 'victim_repatriation') expect(c.filing.offences).toBeUndefined();
      else expect(c.filing.warrant).toBeDefined();
      if (c.kind === 'extradition') expect(subject.nationality).toBe(c.requestingParty); // never the requested party's own
      for (const s of c.steps) {
        const requested = s.action === 'identity-verification' || s.action === 'handover' || s.action === 'refusal';
        expect(s.by === c.requestingParty).toBe(!requested);
      }
    }
  });

  it('stops a case where history stops: nothing after `to`, nothing in the future', () => {
    const short = planHistory({ from: '2019-10-01', to: '2019-10-31', seed: 1, now });
    expect(short.cases.some((c) => c.steps.length === 0)).toBe(true);
    const future = planHistory({ from: '2026-11-01', to: '2027-01-31', seed: 1, now });
    expect(
      future.cases.every((c) => [c.filing, ...c.steps.map((s) => s.body)].every((b) => Date.parse(b.occurredAt) <= now.getTime())),
    ).toBe(true);
  });
});
