import { parties, type CaseEventType } from '@cco/domain';
import { z } from 'zod';
import {
  completionBody,
  erasureConfirmationBody,
  erasureRequestBody,
  filingBodies,
  handoverBody,
  refusalBody,
  verificationBody,
  withdrawalBody,
} from './commandBodies';
import { isoDateTime } from './fields';

// What each event type's data may hold, derived from the command body that causes it: the body
// without its occurredAt (the event's own field), plus what the deciders add (the parties, a
// victim's due date, whether verification was in time). Strict like the bodies: a field the API
// would refuse (a name and passport beside the sealed subject, say) is refused here too, since it
// would be stored in clear, out of erasure's reach, and published.

const filed = { requestingParty: z.enum(parties), requestedParty: z.enum(parties) };
const filing = z.discriminatedUnion('kind', [
  filingBodies.deportation.omit({ occurredAt: true }).extend(filed),
  filingBodies.extradition.omit({ occurredAt: true }).extend(filed),
  filingBodies.victim_repatriation.omit({ occurredAt: true }).extend({ ...filed, verificationDueBy: isoDateTime }),
]);
const completion = completionBody.omit({ occurredAt: true });

export const eventDataSchemas: Record<CaseEventType, z.ZodType> = {
  RequestFiled: filing,
  IdentityVerified: verificationBody.omit({ occurredAt: true }).extend({ withinDeadline: z.boolean().optional() }),
  SuspectHandedOver: handoverBody.omit({ occurredAt: true }),
  DeportationCompleted: completion,
  ExtraditionCompleted: completion,
  RepatriationCompleted: completion,
  RequestRefused: refusalBody.omit({ occurredAt: true }),
  RequestWithdrawn: withdrawalBody.omit({ occurredAt: true }),
  ErasureRequested: erasureRequestBody.omit({ occurredAt: true }),
  PersonalDataErased: erasureConfirmationBody.omit({ occurredAt: true }),
};

export type EventDataCheck = { ok: true; data: Record<string, unknown> } | { ok: false; message: string };

/** An event's data as the API would have accepted it (defaults filled in), or every reason it would not. */
export function parseEventData(type: string, data: unknown): EventDataCheck {
  const schema = Object.hasOwn(eventDataSchemas, type) ? eventDataSchemas[type as CaseEventType] : undefined;
  if (!schema) return { ok: false, message: `${type} is not a case event type` };
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, data: parsed.data as Record<string, unknown> };
  return { ok: false, message: parsed.error.issues.map((i) => `${['data', ...i.path].join('.')}: ${i.message}`).join('; ') };
}
