// The one registry of problem types: every error the API answers with is one of these, mapped
// to application/problem+json (RFC 9457) in plugins/problems.ts and nowhere else.

export const problemTypes = {
  validation: { status: 400, title: 'The request is not valid' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed for this party or role' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  request_timeout: { status: 408, title: 'The request did not arrive in time' },
  invalid_state: { status: 409, title: 'The case is not in a state that allows this' },
  precondition_failed: { status: 412, title: 'The case has changed since the version given in If-Match' },
  payload_too_large: { status: 413, title: 'The body is too large' },
  uri_too_long: { status: 414, title: 'The URL is too long' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  rule_violation: { status: 422, title: 'A treaty or domain rule rejects this request' },
  idempotency_key_reused: { status: 422, title: 'This Idempotency-Key was used with another request' },
  too_many_requests: { status: 429, title: 'Too many requests' },
  header_fields_too_large: { status: 431, title: 'The request headers are too large' },
  internal: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const;

export type ProblemKind = keyof typeof problemTypes;

export const problemTypeUri = (kind: ProblemKind) => `urn:cco:problem:${kind.replaceAll('_', '-')}`;

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** The domain rule that rejected the command (409/422/403 from the deciders). */
  rule?: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

/** Thrown anywhere in the API; the error handler turns it into its problem document. */
export class Problem extends Error {
  constructor(
    readonly kind: ProblemKind,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  get status(): number {
    return problemTypes[this.kind].status;
  }

  toDetails(instance?: string): ProblemDetails {
    return {
      type: problemTypeUri(this.kind),
      title: problemTypes[this.kind].title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...this.extensions,
    };
  }
}

/** The domain's error codes, mapped to problems once. */
export function domainProblem(error: {
  code: 'forbidden' | 'invalid_state' | 'rule_violation' | 'not_found';
  rule: string;
  message: string;
}) {
  return new Problem(error.code, error.message, { rule: error.rule });
}
