import type { NewEvent, RecordedEvent, Upcasters } from '@cco/event-store';
import { currentSchemaVersion, upcast } from '@cco/event-store';
import { open, seal, type SealedBox } from './seal';
import type { SubjectKey } from './subjectKeys';

// How a RequestFiled is stored. v1 (the core as first released) kept the subject in clear.
// v2 keeps only the nationality in clear — the treaty rules and the statistics need it — and
// seals the personal part under the subject's own key, so that destroying that key erases it
// everywhere at once while the log, and its hash chain, stay untouched.

/** The subject's personal data: what erasure destroys. */
export const personalFields = ['names', 'dateOfBirth', 'documents', 'sex'] as const;
type Personal = Partial<Record<(typeof personalFields)[number], unknown>>;

type StoredPersonal = SealedBox | { clear: Personal };
type StoredSubject = { nationality: string; personal: StoredPersonal };

export const caseUpcasters: Upcasters = {
  RequestFiled: {
    1: (data: { subject: Record<string, unknown> & { nationality: string } }) => ({
      ...data,
      subject: { nationality: data.subject.nationality, personal: { clear: pick(data.subject) } } satisfies StoredSubject,
    }),
  },
};

/** The schema version a new event of `type` is stored in. */
export const storedSchemaVersion = (type: string) => currentSchemaVersion(caseUpcasters, type);

const context = (caseId: string) => `cco:subject:${caseId}`;

/**
 * In a victim's case every free-text field is personal: a victim's name, a family's address, a
 * shelter turn up in notes, places and reasons as readily as in the subject. So they are sealed
 * under the subject's key like the subject (`sealed` beside the fields kept in clear), and the
 * key's destruction erases them too. The fields each type stores this way, as dotted paths. Left
 * in clear: the province (the statistics' region, as coarse as a nationality) and everything
 * that is not prose (flags, dates, codes). A victim's filing has no offences nor warrant (its
 * decider refuses them), so their free text never reaches this store. ErasureRequested's reason
 * is sealed as well: the auditor who confirms reads it while the request is pending, and it goes
 * with the rest at confirmation; who asked, who confirmed and when stay in clear.
 */
export const victimFreeText: Readonly<Record<string, readonly string[]>> = {
  RequestFiled: ['lastKnownLocation.district', 'lastKnownLocation.details'],
  IdentityVerified: ['notes'],
  SuspectHandedOver: ['place', 'receivingOfficers', 'flight'],
  RepatriationCompleted: ['notes'],
  RequestRefused: ['reason'],
  RequestWithdrawn: ['reason'],
  ErasureRequested: ['reason'],
};

const freeTextContext = (caseId: string, type: string) => `cco:free-text:${caseId}:${type}`;

/**
 * The event as it is stored: a filing's personal data sealed under `key`, and in a victim's case
 * (`kind`) the free text of every event too. `key` is the subject's key, needed for a filing and
 * for any event of a victim's case that carries free text: nothing personal is stored in clear.
 */
export function sealForStorage(caseId: string, event: NewEvent, key: Buffer | null, kind?: string): NewEvent {
  const schemaVersion = storedSchemaVersion(event.type);
  const sealed = kind === 'victim_repatriation' ? sealFreeText(caseId, event, key) : event;
  if (event.type !== 'RequestFiled') return { ...sealed, schemaVersion };
  if (!key) throw new Error('a filing needs its subject key to be stored');
  const data = sealed.data as { subject: Record<string, unknown> & { nationality: string } };
  const subject: StoredSubject = { nationality: data.subject.nationality, personal: seal(key, context(caseId), pick(data.subject)) };
  return { ...sealed, schemaVersion, data: { ...data, subject } };
}

function sealFreeText(caseId: string, event: NewEvent, key: Buffer | null): NewEvent {
  const { rest, taken } = takeOut(event.data as Json, victimFreeText[event.type] ?? []);
  if (Object.keys(taken).length === 0) return event;
  if (!key) throw new Error(`free text in a victim's ${event.type} needs the subject's key to be stored`);
  return { ...event, data: { ...rest, sealed: seal(key, freeTextContext(caseId, event.type), taken) } };
}

/** The subject of an erased case, as every reader sees it from then on. */
export const erasedPersonal = { names: [], documents: [], erased: true } as const;

/** The event as the domain and readers know it: current shape, personal data opened or erased. */
export function openStored(event: RecordedEvent, key: SubjectKey): RecordedEvent {
  const current = openFreeText(upcast(caseUpcasters, event), key);
  if (current.type !== 'RequestFiled') return current;
  const data = current.data as { subject: StoredSubject };
  const { nationality, personal } = data.subject;
  return { ...current, data: { ...data, subject: { nationality, ...openPersonal(event.streamId, personal, key) } } };
}

/** A victim's free text put back where it was; once erased, left out, and the event says so. */
function openFreeText(event: RecordedEvent, key: SubjectKey): RecordedEvent {
  const { sealed, ...rest } = event.data as Json & { sealed?: SealedBox };
  if (!sealed) return event;
  if (key.state !== 'present') return { ...event, data: { ...rest, erased: true } };
  return { ...event, data: putBack(rest, open<Json>(key.key, freeTextContext(event.streamId, event.type), sealed)) };
}

function openPersonal(caseId: string, personal: StoredPersonal, key: SubjectKey): Personal | typeof erasedPersonal {
  if ('clear' in personal) return personal.clear;
  if (key.state === 'present') return open<Personal>(key.key, context(caseId), personal);
  return erasedPersonal;
}

/** Whether reading `event` needs its subject's key. */
export const needsKey = (event: RecordedEvent) => event.type === 'RequestFiled' || Object.hasOwn(event.data as Json, 'sealed');

function pick(subject: Record<string, unknown>): Personal {
  return Object.fromEntries(personalFields.filter((f) => subject[f] !== undefined).map((f) => [f, subject[f]]));
}

type Json = Record<string, unknown>;

/** The values at `paths` ('a' or 'a.b'), keyed by path, and `data` without them. */
function takeOut(data: Json, paths: readonly string[]): { rest: Json; taken: Json } {
  const rest: Json = { ...data };
  const taken: Json = {};
  for (const path of paths) {
    const [head, leaf] = path.split('.') as [string, string | undefined];
    if (leaf === undefined) {
      if (rest[head] !== undefined) taken[path] = rest[head];
      delete rest[head];
    } else if (typeof rest[head] === 'object' && rest[head] !== null) {
      const inner: Json = { ...(rest[head] as Json) };
      if (inner[leaf] !== undefined) taken[path] = inner[leaf];
      delete inner[leaf];
      rest[head] = inner;
    }
  }
  return { rest, taken };
}

function putBack(rest: Json, taken: Json): Json {
  const data: Json = { ...rest };
  for (const [path, value] of Object.entries(taken)) {
    const [head, leaf] = path.split('.') as [string, string | undefined];
    if (leaf === undefined) data[head] = value;
    else data[head] = { ...(data[head] as Json), [leaf]: value };
  }
  return data;
}
