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

/** The client hung up before its request was whole: nothing to answer, nothing to log. */
export class ClientGone extends Error {}
