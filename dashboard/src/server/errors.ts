/** The webapp's named errors. Each says what the caller must change; api/api-error.ts turns them into responses. */

/** A request the API refuses, with the 4xx to answer and a message naming the field and the fix. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** No valid credentials (API key, personal access token, worker token or session): a 401. */
export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuthError";
  }
}

/** The webapp's port is taken: says how to start on another. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(
      `Port ${port} is already in use: stop what is using it, or start on another port with PORT=<port> (for example PORT=${port + 1})`,
    );
    this.name = "PortInUseError";
  }
}

/** The event store (ClickHouse) named by the configuration cannot be reached or refuses to set up: says which and why. */
export class EventStoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EventStoreUnavailableError";
  }
}
