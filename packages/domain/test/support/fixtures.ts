import type {
  Actor,
  CaseCommand,
  CaseEvent,
  DeportationFilingData,
  ExtraditionFilingData,
  FilingData,
  HandoverData,
  RefusalGround,
  RequestFiledData,
  Subject,
  VerificationData,
  VictimRepatriationFilingData,
} from '../../src';

// One story per kind, all told the same way: China (CN) requests, Cambodia (KH) is
// requested, and the history is back-filled years after it happened.

export const actors = {
  cnOfficer: { id: 'mps-li-ming', party: 'CN', roles: ['officer'] },
  cnSupervisor: { id: 'mps-zhao-lei', party: 'CN', roles: ['supervisor'] },
  khOfficer: { id: 'moi-sok-dara', party: 'KH', roles: ['officer'] },
  khSupervisor: { id: 'moi-chan-vibol', party: 'KH', roles: ['officer', 'supervisor'] },
  khAuditor: { id: 'moi-audit-1', party: 'KH', roles: ['auditor'] },
  cnAnalyst: { id: 'mps-stats-1', party: 'CN', roles: ['analyst'] },
} satisfies Record<string, Actor>;

/** Record time: long after the business times below. */
export const now = new Date('2024-05-01T08:00:00.000Z');

export const times = {
  filed: '2019-03-10T02:00:00.000Z',
  verified: '2019-03-20T09:00:00.000Z',
  namesNotified: '2019-03-28T03:00:00.000Z',
  handedOver: '2019-04-02T05:30:00.000Z',
  completed: '2019-04-02T14:10:00.000Z',
};

export const subject: Subject = {
  names: [
    { script: 'Latn', value: 'ZHANG Wei' },
    { script: 'Hans', value: '张伟' },
  ],
  nationality: 'CN',
  dateOfBirth: '1990-04-12',
  documents: [{ type: 'passport', number: 'E12345678', issuingCountry: 'CN' }],
};

const warrant = { reference: 'GZ-PSB-2019-0042', issuedBy: 'Guangzhou PSB', issuedOn: '1992-02-09' };

export const deportationFiling: DeportationFilingData = {
  kind: 'deportation',
  subject,
  offences: [{ category: 'telecom_fraud', description: 'investment scam call centre' }],
  warrant,
  lastKnownLocation: { province: 'Preah Sihanouk' },
};

export const extraditionFiling: ExtraditionFilingData = {
  kind: 'extradition',
  subject,
  offences: [{ category: 'money_laundering' }],
  warrant,
  dualCriminality: { requestingMaxPenaltyMonths: 120, requestedMaxPenaltyMonths: 60 },
  diplomaticNote: { reference: 'CN-EMB-PP-2019-117', date: '2019-03-05' },
};

/** A Chinese national rescued from a scam compound: a victim, without papers. */
export const victimFiling: VictimRepatriationFilingData = {
  kind: 'victim_repatriation',
  subject: { ...subject, names: [{ script: 'Hans', value: '李娜' }], documents: [] },
  lastKnownLocation: { province: 'Preah Sihanouk', details: 'compound, Otres road' },
};

export const parties = { requestingParty: 'CN', requestedParty: 'KH' } as const;

export const verification: VerificationData = {
  nationalityConfirmed: true,
  identityConfirmed: true,
  confirmedNationality: 'CN',
  documentsSufficient: true,
};
export const noMandatoryGround = { politicalOffence: false, persecution: false, militaryOffence: false, finalJudgment: false };

export const handover: HandoverData = {
  place: 'Phnom Penh International Airport',
  receivingOfficers: ['MPS escort WANG Jun'],
  flight: 'CZ6062',
};

// Commands, each defaulting to the party and role that may give it.

interface Options {
  actor?: Actor;
  occurredAt?: string;
  now?: Date;
}
const by = (defaultActor: Actor, defaultTime: string, o: Options) => ({
  actor: o.actor ?? defaultActor,
  occurredAt: new Date(o.occurredAt ?? defaultTime),
  now: o.now ?? now,
});

export const fileRequest = (data: FilingData, o: Options = {}): CaseCommand => ({
  type: 'FileRequest',
  caseId: 'case-1',
  data,
  ...by(actors.cnOfficer, times.filed, o),
});
export const verifyIdentity = (data: Partial<VerificationData> = {}, o: Options = {}): CaseCommand => ({
  type: 'VerifyIdentity',
  data: { ...verification, ...data },
  ...by(actors.khOfficer, times.verified, o),
});
export const handOver = (data: Partial<HandoverData> = {}, o: Options = {}): CaseCommand => ({
  type: 'HandOver',
  data: { ...handover, ...data },
  ...by(actors.khOfficer, times.handedOver, o),
});
export const complete = (o: Options = {}): CaseCommand => ({ type: 'Complete', data: {}, ...by(actors.cnOfficer, times.completed, o) });
export const refuse = (ground: RefusalGround, reason: string | undefined, o: Options = {}): CaseCommand => ({
  type: 'Refuse',
  data: reason === undefined ? { ground } : { ground, reason },
  ...by(actors.khSupervisor, times.verified, o),
});
export const withdraw = (reason: string | undefined, o: Options = {}): CaseCommand => ({
  type: 'Withdraw',
  data: reason === undefined ? {} : { reason },
  ...by(actors.cnOfficer, times.verified, o),
});

// Events, as the deciders record them.

const at = (iso: string) => new Date(iso);
export const requestFiled = (data: RequestFiledData, occurredAt = times.filed): CaseEvent => ({
  type: 'RequestFiled',
  occurredAt: at(occurredAt),
  data,
});
export const deportationFiled = requestFiled({ ...deportationFiling, ...parties });
export const extraditionFiled = requestFiled({ ...extraditionFiling, ...parties });
export const victimFiled = requestFiled({ ...victimFiling, ...parties, verificationDueBy: '2019-04-09T02:00:00.000Z' });

export const identityVerified = (
  data: Partial<VerificationData> & { withinDeadline?: boolean } = {},
  occurredAt = times.verified,
): CaseEvent => ({
  type: 'IdentityVerified',
  occurredAt: at(occurredAt),
  data: { ...verification, ...data },
});
export const handedOver = (data: Partial<HandoverData> = {}, occurredAt = times.handedOver): CaseEvent => ({
  type: 'SuspectHandedOver',
  occurredAt: at(occurredAt),
  data: { ...handover, ...data },
});
export const completed = (
  type: 'DeportationCompleted' | 'ExtraditionCompleted' | 'RepatriationCompleted',
  occurredAt = times.completed,
): CaseEvent => ({ type, occurredAt: at(occurredAt), data: {} });
export const refused = (ground: RefusalGround, reason: string, occurredAt = times.verified): CaseEvent => ({
  type: 'RequestRefused',
  occurredAt: at(occurredAt),
  data: { ground, reason },
});
export const withdrawn = (reason: string, occurredAt = times.verified): CaseEvent => ({
  type: 'RequestWithdrawn',
  occurredAt: at(occurredAt),
  data: { reason },
});
