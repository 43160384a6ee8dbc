import { roles as knownRoles, type Actor, type Party, type Role } from '@cco/domain';
import type { EventMetadata } from '@cco/event-store';

// The conventions of a case's stream, in one place for everything that writes or reads one:
// the command handler, the back-fill, the benchmarks and the test kit.

/** Who acted, and (for a live command) which issuer and key vouched for them. */
export interface CaseActor extends Actor {
  issuer?: string;
  kid?: string;
}

/**
 * The stream type a case is created with: its kind, as its filing names it. The store keeps the
 * type a stream was created with, so an append to an existing case gives the generic 'case'.
 */
export function caseStreamType(creates: boolean, filing: { data: unknown } | undefined): string {
  return creates ? ((filing?.data as { kind?: string } | undefined)?.kind ?? 'case') : 'case';
}

/** Each event's metadata: who acted (and who vouched for them), the request, the event it follows. */
export function caseEventMetadata(actor: CaseActor, correlationId: string, causationId: string | null): EventMetadata {
  return {
    actor: actor.id,
    party: actor.party,
    roles: actor.roles,
    issuer: actor.issuer,
    kid: actor.kid,
    correlationId,
    causationId,
  };
}

/** Who caused an event, from its metadata; an absent `roles` means an officer. */
export function actorOf(metadata: EventMetadata): Actor {
  const given = Array.isArray(metadata.roles) ? (metadata.roles as Role[]) : ['officer' as const];
  // A party other than KH or CN is passed as it is: no party rule lets it act.
  return { id: metadata.actor, party: metadata.party as Party, roles: given.filter((r) => knownRoles.includes(r)) };
}
