import type { OffenceCategory, Party } from '@cco/domain';
import { person } from './people';
import { DAY_MS, HOUR_MS, other, stepsUntil, type PlannedCase, type PlannedStep } from './plannedCase';
import { type Random } from '@cco/testkit';
import { deportationFallout, offenceDescriptions, offenceWeights, refusalReasons, withdrawalReasons } from './rates';

// The three kinds of case, each with its own rules (docs/design.md) and typical course.

type Timed = PlannedStep & { at: Date };
const after = (at: Date, ms: number) => new Date(at.getTime() + ms);
const places: Record<Party, string[]> = {
  KH: ['Phnom Penh International Airport', 'Sihanoukville International Airport', 'Siem Reap International Airport'],
  CN: ['Guangzhou Baiyun International Airport', 'Kunming Changshui International Airport', 'Shanghai Pudong International Airport'],
};
const provinces = ['Preah Sihanouk', 'Phnom Penh', 'Kandal', 'Siem Reap', 'Koh Kong', 'Svay Rieng', 'Banteay Meanchey'];

function offences(random: Random, principal: OffenceCategory) {
  const list = [{ category: principal, description: random.pick(offenceDescriptions[principal]) }];
  if ((principal === 'telecom_fraud' || principal === 'online_gambling') && random.chance(0.25)) {
    list.push({ category: 'money_laundering', description: random.pick(offenceDescriptions.money_laundering) });
  }
  return list;
}

function warrant(random: Random, by: Party, filed: Date) {
  const issuedOn = after(filed, -random.int(10, 200) * DAY_MS)
    .toISOString()
    .slice(0, 10);
  const year = issuedOn.slice(0, 4);
  if (by === 'KH') return { reference: `PP-MC-${year}-${random.int(1, 9999)}`, issuedBy: 'Phnom Penh Municipal Court', issuedOn };
  const [code, city] = random.pick([
    ['GZ', 'Guangzhou'],
    ['FZ', 'Fuzhou'],
    ['SZ', 'Shenzhen'],
    ['KM', 'Kunming'],
    ['CS', 'Changsha'],
  ] as const);
  return { reference: `${code}-PSB-${year}-${random.int(1, 9999)}`, issuedBy: `${city} Public Security Bureau`, issuedOn };
}

const step = (
  action: PlannedStep['action'],
  by: Party,
  at: Date,
  body: Record<string, unknown> = {},
  role: PlannedStep['role'] = 'officer',
): Timed => ({
  action,
  by,
  role,
  at,
  body: { occurredAt: at.toISOString(), ...body },
});

const verification = (nationality: string, extra: Record<string, unknown> = {}) => ({
  nationalityConfirmed: true,
  identityConfirmed: true,
  confirmedNationality: nationality,
  documentsSufficient: true,
  ...extra,
});

interface Timing {
  /** Median days: filing → verification, verification → handover; hours: handover → arrival. */
  verify: number;
  handover: number;
  arrive: number;
  /** Shares of cases refused and withdrawn. */
  refuse: number;
  withdraw: number;
}

/** After filing: refused, withdrawn, or verified → handed over → completed. */
function course(
  random: Random,
  by: Party,
  filed: Date,
  nationality: string,
  timing: Timing,
  extra: { verify?: Record<string, unknown>; refusalGrounds: (keyof typeof refusalReasons)[] },
): Timed[] {
  const requested = other(by);
  const verified = after(filed, random.lognormal(timing.verify, 1.8, 1, 120) * DAY_MS);
  const verify = step('identity-verification', requested, verified, verification(nationality, extra.verify));
  const fate = random.next();
  if (fate < timing.refuse) {
    const ground = random.pick(extra.refusalGrounds);
    const refuse = step(
      'refusal',
      requested,
      after(verified, random.int(1, 20) * DAY_MS),
      { ground, reason: refusalReasons[ground] },
      'supervisor',
    );
    return random.chance(0.4) ? [verify, refuse] : [refuse];
  }
  if (fate < timing.refuse + timing.withdraw) {
    const withdraw = step('withdrawal', by, after(verified, random.int(1, 30) * DAY_MS), { reason: random.pick(withdrawalReasons) });
    return random.chance(0.5) ? [verify, withdraw] : [withdraw];
  }
  const handedOver = after(verified, random.lognormal(timing.handover, 1.7, 1, 150) * DAY_MS);
  return [
    verify,
    step('handover', requested, handedOver, {
      place: random.pick(places[requested]),
      receivingOfficers: [`${by === 'CN' ? 'MPS' : 'MoI'} escort team ${random.int(1, 12)}`],
    }),
    step('completion', by, after(handedOver, timing.arrive * HOUR_MS + random.int(0, 6) * HOUR_MS)),
  ];
}

export function deportation(random: Random, by: Party, filed: Date, limit: Date): PlannedCase {
  const year = filed.getUTCFullYear();
  const principal =
    by === 'CN' ? random.weighted(offenceWeights(year)) : random.pick(['drug_trafficking', 'human_trafficking', 'other'] as const);
  const subject = person(random, by, filed, random.int(19, 55), random.chance(0.8) ? 'M' : 'F');
  const filing = {
    kind: 'deportation' as const,
    occurredAt: filed.toISOString(),
    subject,
    offences: offences(random, principal),
    warrant: warrant(random, by, filed),
    // Preah Sihanouk, the casino boom town, weighs most.
    lastKnownLocation: { province: by === 'CN' ? random.weighted(provinces.map((p, i) => [p, i === 0 ? 4 : 1] as const)) : 'Guangdong' },
  };
  const timing = { verify: 9, handover: 12, arrive: 3, refuse: deportationFallout.refused, withdraw: deportationFallout.withdrawn };
  const refusalGrounds = [
    'insufficient_documents',
    'insufficient_documents',
    'legal_principles',
    'social_order',
    'sovereignty',
    'other',
  ] as const;
  const steps = course(random, by, filed, by, timing, { refusalGrounds: [...refusalGrounds] });
  return { kind: 'deportation', requestingParty: by, filing, steps: stepsUntil(limit, steps) };
}

export function extradition(random: Random, by: Party, filed: Date, limit: Date): PlannedCase {
  const principal = random.pick(['violent_crime', 'drug_trafficking', 'money_laundering', 'telecom_fraud'] as const);
  const filing = {
    kind: 'extradition' as const,
    occurredAt: filed.toISOString(),
    // Own nationals are never extradited: the person is the requesting party's national.
    subject: person(random, by, filed, random.int(25, 60), 'M'),
    offences: offences(random, principal),
    warrant: warrant(random, by, filed),
    dualCriminality: {
      requestingMaxPenaltyMonths: random.pick([60, 120, 180, 1200]),
      requestedMaxPenaltyMonths: random.pick([36, 60, 120, 240]),
    },
    diplomaticNote: {
      reference: `${by === 'CN' ? 'PRC-EMB' : 'KH-MFA'}-${filed.getUTCFullYear()}-${random.int(100, 999)}`,
      date: filed.toISOString().slice(0, 10),
    },
  };
  const grounds = { politicalOffence: false, persecution: false, militaryOffence: false, finalJudgment: false };
  const steps = course(
    random,
    by,
    filed,
    by,
    { verify: 40, handover: 50, arrive: 5, refuse: 0.15, withdraw: 0.05 },
    {
      verify: { mandatoryGrounds: grounds },
      refusalGrounds: ['political_offence', 'final_judgment', 'persecution', 'legal_principles'],
    },
  );
  return { kind: 'extradition', requestingParty: by, filing, steps: stepsUntil(limit, steps) };
}

/** Art. 5 (2016): verified within 30 days, mostly; names notified before the handover. */
export function victimRepatriation(random: Random, by: Party, filed: Date, limit: Date): PlannedCase {
  const requested = other(by);
  const sex = by === 'KH' ? 'F' : random.chance(0.5) ? 'F' : 'M';
  const filing = {
    kind: 'victim_repatriation' as const,
    occurredAt: filed.toISOString(),
    subject: person(random, by, filed, random.int(16, 35), sex),
  };
  const fate = random.weighted([
    ['on time', 0.76],
    ['late', 0.19],
    ['unverified', 0.03],
    ['refused', 0.01],
    ['withdrawn', 0.01],
  ] as const);
  const verifiedAt = after(filed, (fate === 'late' ? random.int(31, 75) : random.int(5, 29)) * DAY_MS + random.int(0, 8) * HOUR_MS);
  let steps: Timed[] = [];
  const soon = () => after(filed, random.int(3, 20) * DAY_MS);
  if (fate === 'refused')
    steps = [step('refusal', requested, soon(), { ground: 'security', reason: refusalReasons.security }, 'supervisor')];
  if (fate === 'withdrawn')
    steps = [step('withdrawal', by, soon(), { reason: 'the victim chose to stay, helped by an assistance organisation' })];
  if (fate === 'on time' || fate === 'late') {
    const handedOver = after(verifiedAt, random.lognormal(20, 1.6, 3, 120) * DAY_MS);
    steps = [
      step('identity-verification', requested, verifiedAt, verification(by)),
      step('handover', requested, handedOver, {
        place: random.pick(places[requested]),
        receivingOfficers: [`${by === 'KH' ? 'MoSVY' : 'MPS'} reception officer ${random.int(1, 9)}`],
        namesNotifiedAt: new Date(Math.max(verifiedAt.getTime(), handedOver.getTime() - random.int(2, 7) * DAY_MS)).toISOString(),
      }),
      step('completion', by, after(handedOver, random.int(6, 30) * HOUR_MS)),
    ];
  }
  return { kind: 'victim_repatriation', requestingParty: by, filing, steps: stepsUntil(limit, steps) };
}
