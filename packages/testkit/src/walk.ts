import { randomUUID } from 'node:crypto';
import { deportationFiling, handover, verification } from './fixtures';
import { etagVersion, type RawClient, type RawRequest } from './rawClient';

// A deportation walked over HTTP, filed → identity verified → handed over → completed by the
// right parties: what the fault tests put under load and then check against the store, and what
// the append-http benchmark sends (through autocannon). `walkSteps` is the one description of
// the walk (who sends what where); `Walk` and `drive` add an Idempotency-Key per command and
// record every answer.

export const steps = ['file', 'verify', 'handover', 'complete'] as const;
export type Step = (typeof steps)[number];

export interface WalkStep {
  /** The event the step records. */
  event: string;
  /** Who sends it: CN requests, KH is requested. */
  sender: 'CN' | 'KH';
  /** The path to POST to (the filing has no case yet). */
  path(caseId: string | undefined): string;
  /** The body, with the case's subject for the filing. */
  body(subject: object): unknown;
}

export const walkSteps: Record<Step, WalkStep> = {
  file: { event: 'RequestFiled', sender: 'CN', path: () => '/v1/cases', body: (subject) => ({ ...deportationFiling, subject }) },
  verify: { event: 'IdentityVerified', sender: 'KH', path: (id) => `/v1/cases/${id}/identity-verification`, body: () => verification },
  handover: { event: 'SuspectHandedOver', sender: 'KH', path: (id) => `/v1/cases/${id}/handover`, body: () => handover },
  complete: { event: 'DeportationCompleted', sender: 'CN', path: (id) => `/v1/cases/${id}/completion`, body: () => ({}) },
};
export const eventOf = Object.fromEntries(steps.map((step) => [step, walkSteps[step].event])) as Record<Step, string>;

export interface Principal {
  party: 'CN' | 'KH';
  sub: string;
  token: string;
}

export interface Attempt {
  status?: number;
  error?: string;
}

export interface CommandRecord {
  step: Step;
  key: string;
  sender: Principal;
  body: unknown;
  attempts: Attempt[];
  /** The 2xx answer: the case and the version (ETag) the command produced. */
  acked?: { status: number; caseId: string; version: number; body: any; etag: string };
}

export class Walk {
  caseId?: string;
  stepIndex = 0;
  current?: CommandRecord;
  busy = false;
  readonly commands: CommandRecord[] = [];
  /** A 4xx the walk did not expect: it stops there. */
  failed?: string;
  constructor(
    readonly no: number,
    /** The filing's subject (each walk its own, so the personal-data scans can tell them apart). */
    readonly subject: object,
  ) {}
  get done() {
    return this.stepIndex >= steps.length || this.failed !== undefined;
  }
  get step(): Step {
    return steps[this.stepIndex]!;
  }
  /** The command to send next: the pending one (same key: a retry), else a new one. */
  command(principals: Record<'CN' | 'KH', Principal>): CommandRecord {
    if (!this.current) {
      const step = this.step;
      const { sender, body } = walkSteps[step];
      this.current = { step, key: randomUUID(), sender: principals[sender], body: body(this.subject), attempts: [] };
      this.commands.push(this.current);
    }
    return this.current;
  }
}

export function requestOf(walk: Walk, command: CommandRecord): RawRequest {
  return {
    method: 'POST',
    path: walkSteps[command.step].path(walk.caseId),
    headers: { authorization: `Bearer ${command.sender.token}`, 'content-type': 'application/json', 'idempotency-key': command.key },
    body: JSON.stringify(command.body),
    timeoutMs: 15_000,
  };
}

export interface DriveOptions {
  client: () => RawClient;
  walks: Walk[];
  principals: Record<'CN' | 'KH', Principal>;
  concurrency: number;
  /** Checked before each command: true stops the workers (in-flight requests finish or fail). */
  stop?: () => boolean;
  /** Wait before re-sending a command that got no answer or a 5xx (same key). */
  retryDelayMs?: number;
  onAnswer?: (walk: Walk, command: CommandRecord, attempt: Attempt) => void;
}

/** Walks the cases with `concurrency` workers until every walk is done or `stop()` says so. */
export async function drive(options: DriveOptions): Promise<void> {
  const { walks, principals } = options;
  let cursor = 0;
  const nextWalk = () => {
    for (let i = 0; i < walks.length; i++) {
      const walk = walks[(cursor + i) % walks.length]!;
      if (!walk.busy && !walk.done) {
        cursor = (cursor + i + 1) % walks.length;
        return walk;
      }
    }
    return undefined;
  };
  const worker = async () => {
    for (;;) {
      if (options.stop?.()) return;
      const walk = nextWalk();
      if (!walk) {
        if (walks.every((w) => w.done)) return;
        await sleep(5);
        continue;
      }
      walk.busy = true;
      const command = walk.command(principals);
      const attempt: Attempt = {};
      try {
        const response = await options.client().send(requestOf(walk, command));
        attempt.status = response.status;
        if (response.status >= 200 && response.status < 300) {
          const version = etagVersion(response)!;
          command.acked = {
            status: response.status,
            caseId: String(response.json.id),
            version,
            body: response.json,
            etag: String(response.headers.etag),
          };
          walk.caseId ??= command.acked.caseId;
          walk.stepIndex += 1;
          walk.current = undefined;
        } else if (response.status < 500 && response.status !== 429) {
          walk.failed = `${command.step}: ${response.status} ${response.text.slice(0, 300)}`;
        }
      } catch (error) {
        attempt.error = (error as Error).message;
      }
      command.attempts.push(attempt);
      options.onAnswer?.(walk, command, attempt);
      walk.busy = false;
      if (attempt.status === undefined || attempt.status >= 500 || attempt.status === 429) await sleep(options.retryDelayMs ?? 50);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Every 2xx the walks received: the case, the version its ETag named and the event expected there. */
export function acknowledged(walks: Walk[]) {
  return walks.flatMap((w) =>
    w.commands
      .filter((c) => c.acked)
      .map((c) => ({ caseId: c.acked!.caseId, version: c.acked!.version, type: eventOf[c.step], key: c.key })),
  );
}
