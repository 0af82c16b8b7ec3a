/**
 * The errors of the CTA Storage extension: what the server extension answers
 * (its `reason` codes) and what happens on the way to it.
 */

/**
 * The reason codes of the REST API, plus the ones the client adds itself.
 */
export type ErrorReason =
  | 'bad_request'
  | 'not_authenticated'
  | 'forbidden'
  | 'no_access'
  | 'not_found'
  | 'conflict'
  | 'busy'
  | 'unreachable'
  | 'extension_unavailable'
  | 'network'
  | 'aborted'
  | 'invalid_response'
  | 'unknown';

/**
 * An error answered by the server extension, or met on the way to it.
 */
export class CtadataError extends Error {
  constructor(
    message: string,
    readonly reason: ErrorReason,
    readonly status: number | null = null
  ) {
    super(message);
    this.name = 'CtadataError';
  }
}

const REASONS: ReadonlySet<string> = new Set([
  'bad_request',
  'not_authenticated',
  'forbidden',
  'no_access',
  'not_found',
  'conflict',
  'busy',
  'unreachable'
]);

function reasonForStatus(status: number): ErrorReason {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'not_authenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 502:
    case 503:
    case 504:
      return 'unreachable';
    default:
      return 'unknown';
  }
}

/**
 * Build a `CtadataError` from a non-2xx answer's status and body text.
 */
export function errorFromResponse(status: number, text: string): CtadataError {
  let message = '';
  let reason: ErrorReason = reasonForStatus(status);
  try {
    const body = JSON.parse(text);
    if (body && typeof body === 'object') {
      if (typeof body.message === 'string') {
        message = body.message;
      }
      if (typeof body.reason === 'string' && REASONS.has(body.reason)) {
        reason = body.reason as ErrorReason;
      }
    }
  } catch {
    // Not JSON (a proxy's page, a tornado error page): keep the status only.
  }
  if (!message) {
    message = `The server answered ${status}.`;
  }
  return new CtadataError(message, reason, status);
}

/**
 * Any thrown value as a `CtadataError`.
 */
export function asError(error: unknown): CtadataError {
  if (error instanceof CtadataError) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CtadataError(message, 'unknown');
}
