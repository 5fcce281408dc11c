/**
 * A request the server refuses: an HTTP status and one line for the client, sent as TF Serving
 * sends errors, `{"error": "..."}`. Anything else thrown while handling a request is a bug in the
 * server, answered 500 and logged, never a crash.
 */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A value for an error line: JSON-quoted (so control characters are escaped) and cut at 80 characters. */
export function shown(v: unknown): string {
  const s = v === undefined ? 'undefined' : JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The client hung up before its request was whole: nothing to answer, nothing to log. */
export class ClientGone extends Error {}
