import type { OffenceCategory } from '@cco/domain';
import type { LifecycleColumns } from '../lifecycleColumns';

/**
 * The case board: what officers of both parties see in a list. No subject at all (no names,
 * documents, date of birth, nationality or location): those stay in the case itself.
 */
export interface CaseBoardTable extends LifecycleColumns {
  /** Offence categories only; descriptions are free text and stay in the case. */
  offences: OffenceCategory[];
  /** The case's version (its ETag), for a client's If-Match. */
  version: number;
  /** Record time of the filing and of the latest event. */
  created_at: Date;
  updated_at: Date;
}
