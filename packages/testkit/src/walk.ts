import { randomUUID } from 'node:crypto';
import { deportationFiling, handover, verification } from './fixtures';
import { etagVersion, type RawClient, type RawRequest } from './rawClient';

// Cases walked filed → identity verified → handed over → completed by the right parties, every
// command with its own Idempotency-Key, every answer recorded: what the fault tests put under
// load and then check against the store.

export const steps = ['file', 'verify', 'handover', 'complete'] as const;
export type Step = (typeof steps)[number];
export const eventOf: Record<Step, string> = {
  file: 'RequestFiled',
  verify: 'IdentityVerified',
  handover: 'SuspectHandedOver',
  complete: 'DeportationCompleted',
};
/** Who sends each step: CN requests, KH is requested. */
const senderOf: Record<Step, 'CN' | 'KH'> = { file: 'CN', verify: 'KH', handover: 'KH', complete: 'CN' };

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
      const body = step === 'file' ? { ...deportationFiling, subject: this.subject } : step === 'verify' ? verification : step === 'handover' ? handover : {};
      this.current = { step, key: randomUUID(), sender: principals[senderOf[step]], body, attempts: [] };
      this.commands.push(this.current);
    }
    return this.current;
  }
}

export function requestOf(walk: Walk, command: CommandRecord): RawRequest {
  const path = command.step === 'file' ? '/v1/cases' : `/v1/cases/${walk.caseId}/${command.step === 'verify' ? 'identity-verification' : command.step === 'handover' ? 'handover' : 'completion'}`;
  return {
    method: 'POST',
    path,
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
          command.acked = { status: response.status, caseId: String(response.json.id), version, body: response.json, etag: String(response.headers.etag) };
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
  return walks.flatMap((w) => w.commands.filter((c) => c.acked).map((c) => ({ caseId: c.acked!.caseId, version: c.acked!.version, type: eventOf[c.step], key: c.key })));
}
