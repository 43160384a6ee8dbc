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

/** The event as it is stored: a filing's personal data sealed under `key`. */
export function sealForStorage(caseId: string, event: NewEvent, key: Buffer | null): NewEvent {
  const schemaVersion = storedSchemaVersion(event.type);
  if (event.type !== 'RequestFiled') return { ...event, schemaVersion };
  if (!key) throw new Error('a filing needs its subject key to be stored');
  const data = event.data as { subject: Record<string, unknown> & { nationality: string } };
  const subject: StoredSubject = { nationality: data.subject.nationality, personal: seal(key, context(caseId), pick(data.subject)) };
  return { ...event, schemaVersion, data: { ...data, subject } };
}

/** The subject of an erased case, as every reader sees it from then on. */
export const erasedPersonal = { names: [], documents: [], erased: true } as const;

/** The event as the domain and readers know it: current shape, personal data opened or erased. */
export function openStored(event: RecordedEvent, key: SubjectKey): RecordedEvent {
  const current = upcast(caseUpcasters, event);
  if (current.type !== 'RequestFiled') return current;
  const data = current.data as { subject: StoredSubject };
  const { nationality, personal } = data.subject;
  return { ...current, data: { ...data, subject: { nationality, ...openPersonal(event.streamId, personal, key) } } };
}

function openPersonal(caseId: string, personal: StoredPersonal, key: SubjectKey): Personal | typeof erasedPersonal {
  if ('clear' in personal) return personal.clear;
  if (key.state === 'present') return open<Personal>(key.key, context(caseId), personal);
  return erasedPersonal;
}

/** Whether reading `event` needs its subject's key. */
export const needsKey = (event: RecordedEvent) => event.type === 'RequestFiled';

function pick(subject: Record<string, unknown>): Personal {
  return Object.fromEntries(personalFields.filter((f) => subject[f] !== undefined).map((f) => [f, subject[f]]));
}
