import { randomUUID } from 'node:crypto';
import { caseEventMetadata, type CaseHistory } from '@cco/cases';
import { offenceCategories, type OffenceCategory } from '@cco/domain';
import { appendToStream, type Executor, type NewEvent } from '@cco/event-store';
import { createRandom } from './random';

// The one generator of synthetic case histories, for the tests that need many cases (read
// models, relay, analytics) and the benchmarks that need a big log (import, rebuild, relay,
// stats): the three kinds in the office's proportions, their usual courses (completed,
// refused, withdrawn, still open), business dates spread over 2014-01-01..2019-10-31 as in the
// simulator, realistic payloads (names in two scripts, passport, offences, warrant...).
// Seeded: the same seed and size give the same history (ids aside). Every history is one the
// deciders would have recorded (the import path replays each through them; a unit test checks).

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface HistoryOptions {
  /** Total events (the last case may be cut short to hit it exactly)... */
  events?: number;
  /** ...or this many whole cases. */
  cases?: number;
  seed?: number;
  from?: string;
  to?: string;
  /** Cases per yielded batch. */
  casesPerBatch?: number;
}

/** How often each principal offence is drawn (the office's mix: gambling and fraud first). */
const offenceShare: Record<OffenceCategory, number> = {
  online_gambling: 30,
  telecom_fraud: 35,
  drug_trafficking: 10,
  human_trafficking: 5,
  violent_crime: 5,
  prostitution: 5,
  money_laundering: 5,
  other: 5,
};
const offences = offenceCategories;
const offenceWeights = offences.map((category) => offenceShare[category]);
const grounds = ['sovereignty', 'security', 'social_order', 'insufficient_documents', 'no_warrant', 'other'] as const;
const provinces = ['Preah Sihanouk', 'Phnom Penh', 'Kandal', 'Siem Reap', 'Koh Kong', 'Svay Rieng', 'Banteay Meanchey'];
const surnames = ['ZHANG', 'WANG', 'LI', 'LIU', 'CHEN', 'YANG', 'HUANG', 'ZHAO', 'WU', 'ZHOU', 'SOK', 'CHAN', 'KIM', 'HENG'];
const given = ['Wei', 'Fang', 'Na', 'Min', 'Jing', 'Lei', 'Yong', 'Dara', 'Sophea', 'Vanna', 'Bopha', 'Rithy'];

export function* caseHistories(options: HistoryOptions): Generator<CaseHistory[]> {
  if ((options.events === undefined) === (options.cases === undefined)) throw new Error('caseHistories: give events or cases');
  const seeded = createRandom(options.seed ?? 1);
  const random = seeded.next;
  const { int, pick } = seeded;
  const weighted = <T>(list: readonly T[], weights: number[]) => seeded.weighted(list.map((value, i) => [value, weights[i]!] as const));
  const from = Date.parse(`${options.from ?? '2014-01-01'}T00:00:00Z`);
  const to = Date.parse(`${options.to ?? '2019-10-31'}T23:59:59Z`);
  const perBatch = options.casesPerBatch ?? 2000;
  let left = options.events ?? Infinity;
  let casesLeft = options.cases ?? Infinity;
  let batch: CaseHistory[] = [];

  while (left > 0 && casesLeft > 0) {
    casesLeft -= 1;
    const caseId = randomUUID();
    const kind = weighted(['deportation', 'extradition', 'victim_repatriation'] as const, [80, 8, 12]);
    const requestingParty = kind === 'victim_repatriation' ? 'CN' : random() < 0.85 ? 'CN' : 'KH';
    const requestedParty = requestingParty === 'CN' ? 'KH' : 'CN';
    const nationality = requestingParty === 'CN' ? 'CN' : 'KH';
    const filedAt = from + Math.floor(random() * (to - from));
    const events: NewEvent[] = [];
    let causationId: string | null = null;
    const add = (type: string, at: number, by: 'KH' | 'CN', data: unknown) => {
      if (at > to) return false;
      const id = randomUUID();
      events.push({
        id,
        type,
        occurredAt: new Date(at),
        data,
        metadata: caseEventMetadata(
          { id: `${by.toLowerCase()}-officer-${int(1, 40)}`, party: by, roles: [type === 'RequestRefused' ? 'supervisor' : 'officer'] },
          randomUUID(),
          causationId,
        ),
      });
      causationId = id;
      return true;
    };
    const name = `${pick(surnames)} ${pick(given)}`;
    const subject = {
      names: [
        { script: 'Latn', value: name },
        { script: 'Hans', value: '张伟' },
      ],
      nationality,
      dateOfBirth: new Date(Date.UTC(int(1960, 2004), int(0, 11), int(1, 28))).toISOString().slice(0, 10),
      documents: [{ type: 'passport', number: `E${int(10_000_000, 99_999_999)}`, issuingCountry: nationality }],
      sex: pick(['F', 'M'] as const),
    };
    const principal = weighted(offences, offenceWeights);
    const filing: Record<string, unknown> = {
      kind,
      requestingParty,
      requestedParty,
      subject,
      lastKnownLocation: { province: pick(provinces), district: 'Mittapheap' },
    };
    if (kind === 'victim_repatriation') {
      filing.verificationDueBy = new Date(filedAt + 30 * DAY).toISOString();
    } else {
      filing.offences = [{ category: principal, description: 'investment scam call centre run from a compound' }];
      filing.warrant = {
        reference: `GZ-PSB-${new Date(filedAt).getUTCFullYear()}-${int(1, 9999)}`,
        issuedBy: 'Guangzhou Public Security Bureau',
        issuedOn: new Date(filedAt - int(10, 200) * DAY).toISOString().slice(0, 10),
      };
    }
    if (kind === 'extradition') {
      filing.dualCriminality = { requestingMaxPenaltyMonths: int(36, 240), requestedMaxPenaltyMonths: int(36, 240) };
      filing.diplomaticNote = {
        reference: `NV-${int(100, 999)}/${new Date(filedAt).getUTCFullYear()}`,
        date: new Date(filedAt - 2 * DAY).toISOString().slice(0, 10),
      };
    }
    add('RequestFiled', filedAt, requestingParty, filing);

    const course = random();
    const verifyAt = filedAt + int(3, 60) * DAY + int(0, 23) * HOUR;
    if (course < 0.06) {
      add('RequestRefused', filedAt + int(5, 40) * DAY, requestedParty, {
        ground: pick(grounds),
        reason: 'the request does not meet the conditions',
      });
    } else if (course < 0.12) {
      add('RequestWithdrawn', filedAt + int(5, 40) * DAY, requestingParty, { reason: 'the person was located elsewhere' });
    } else {
      const verification: Record<string, unknown> = {
        nationalityConfirmed: true,
        identityConfirmed: true,
        confirmedNationality: nationality,
        documentsSufficient: true,
      };
      if (kind === 'victim_repatriation') verification.withinDeadline = verifyAt <= filedAt + 30 * DAY;
      if (kind === 'extradition')
        verification.mandatoryGrounds = { politicalOffence: false, persecution: false, militaryOffence: false, finalJudgment: false };
      if (add('IdentityVerified', verifyAt, requestedParty, verification)) {
        const handedAt = verifyAt + int(2, 45) * DAY;
        const handover: Record<string, unknown> = {
          place: 'Phnom Penh International Airport',
          receivingOfficers: ['MPS escort team 3', 'MPS escort team 5'],
          flight: `CZ${int(300, 9999)}`,
        };
        if (kind === 'victim_repatriation') handover.namesNotifiedAt = new Date(handedAt - 3 * DAY).toISOString();
        if (course < 0.9 && add('SuspectHandedOver', handedAt, requestedParty, handover)) {
          const completion =
            kind === 'deportation' ? 'DeportationCompleted' : kind === 'extradition' ? 'ExtraditionCompleted' : 'RepatriationCompleted';
          if (course < 0.85) add(completion, handedAt + int(2, 48) * HOUR, requestingParty, {});
        }
      }
    }
    const kept = events.slice(0, left);
    left -= kept.length;
    batch.push({ caseId, events: kept });
    if (batch.length >= perBatch) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** `caseHistories` as one list (for tests: a few hundred cases at most). */
export function caseHistoryList(options: Omit<HistoryOptions, 'casesPerBatch'>): CaseHistory[] {
  return [...caseHistories({ ...options, casesPerBatch: Infinity })].flat();
}

/**
 * Appends each history as the API does: one event per append (so one transaction each), the
 * stream typed by the case's kind. `concurrently`: all cases at once, so transactions commit
 * out of position order; else one case after another.
 */
export async function appendCaseHistories(
  db: Executor<any>,
  histories: readonly CaseHistory[],
  options: { concurrently?: boolean } = {},
): Promise<void> {
  const appendCase = async ({ caseId, events }: CaseHistory) => {
    const kind = String((events[0]?.data as { kind?: unknown } | undefined)?.kind ?? 'deportation');
    for (const [i, event] of events.entries()) {
      const result = await appendToStream(db, caseId, kind, i === 0 ? 'no_stream' : i, [event]);
      if (!result.ok) throw new Error(`append ${caseId}#${i + 1} lost: ${JSON.stringify(result.error)}`);
    }
  };
  if (options.concurrently) await Promise.all(histories.map(appendCase));
  else for (const history of histories) await appendCase(history);
}
