/** Error classes with the names and shapes of @trigger.dev/sdk v4. Checked by name, not instanceof,
 * because a user bundle may carry its own copy of the SDK. */
export class AbortTaskRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AbortTaskRunError";
  }
}

export class OutOfMemoryError extends Error {
  constructor() {
    super("OutOfMemoryError");
    this.name = "OutOfMemoryError";
  }
}

export class CompleteTaskWithOutput<T = unknown> extends Error {
  constructor(public readonly output: T) {
    super("Complete task with output");
    this.name = "CompleteTaskWithOutput";
  }
}

export class TaskPayloadParsedError extends Error {
  constructor(public readonly cause: unknown) {
    super(`Parsing payload with schema failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "TaskPayloadParsedError";
  }
}

export class SubtaskUnwrapError extends Error {
  constructor(
    public readonly taskId: string,
    public readonly runId: string,
    public readonly cause: unknown,
  ) {
    super(`Error in ${taskId}: ${errorMessage(cause)}`);
    this.name = "SubtaskUnwrapError";
  }
}

export class WaitpointTimeoutError extends Error {
  constructor(message = "Timed out") {
    super(message);
    this.name = "WaitpointTimeoutError";
  }
}

export class ApiError extends Error {
  constructor(
    public readonly status: number | undefined,
    message: string,
    public readonly error?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export class BatchTriggerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BatchTriggerError";
  }
}

/** Errors that end a run at once: no retry. */
export function isNonRetryableError(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === "AbortTaskRunError" || name === "TaskPayloadParsedError";
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  if (error && typeof error === "object" && "message" in error) {
    const e = error as { name?: unknown; message?: unknown };
    return { name: String(e.name ?? "Error"), message: String(e.message) };
  }
  return { name: "Error", message: typeof error === "string" ? error : JSON.stringify(error) };
}

/** Rebuilds an Error from its serialized form so user code can inspect name/message. */
export function deserializeError(error: SerializedError): Error {
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  if (error.stack) rebuilt.stack = error.stack;
  return rebuilt;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === "object" && "message" in error) return String((error as { message: unknown }).message);
  return String(error);
}

/** HTTP-status flavours of ApiError, as the Trigger.dev client throws them. */
function apiErrorClass<const Name extends string>(name: Name, status: number) {
  return class extends ApiError {
    constructor(message: string, error?: unknown) {
      super(status, message, error);
      this.name = name;
    }
  };
}
export const BadRequestError = apiErrorClass("BadRequestError", 400);
export const AuthenticationError = apiErrorClass("AuthenticationError", 401);
export const PermissionDeniedError = apiErrorClass("PermissionDeniedError", 403);
export const NotFoundError = apiErrorClass("NotFoundError", 404);
export const ConflictError = apiErrorClass("ConflictError", 409);
export const UnprocessableEntityError = apiErrorClass("UnprocessableEntityError", 422);
export const RateLimitError = apiErrorClass("RateLimitError", 429);
export const InternalServerError = apiErrorClass("InternalServerError", 500);
export type BadRequestError = InstanceType<typeof BadRequestError>;
export type AuthenticationError = InstanceType<typeof AuthenticationError>;
export type PermissionDeniedError = InstanceType<typeof PermissionDeniedError>;
export type NotFoundError = InstanceType<typeof NotFoundError>;
export type ConflictError = InstanceType<typeof ConflictError>;
export type UnprocessableEntityError = InstanceType<typeof UnprocessableEntityError>;
export type RateLimitError = InstanceType<typeof RateLimitError>;
export type InternalServerError = InstanceType<typeof InternalServerError>;

/** An OIDC token request refused (Stint does not issue OIDC tokens yet; the class exists for `instanceof` checks). */
export class OIDCTokenError extends ApiError {
  constructor(
    readonly code: string,
    message: string,
    override readonly cause?: ApiError,
  ) {
    super(cause?.status, message, cause);
    this.name = "OIDCTokenError";
  }
}

/** A chat stream chunk over the size limit (chat agents are not supported by Stint yet; the class exists for checks). */
export class ChatChunkTooLargeError extends Error {
  constructor(
    readonly chunkSize: number,
    readonly maxSize: number,
    readonly chunkType?: string,
  ) {
    super(
      `Chat chunk${chunkType ? ` (${chunkType})` : ""} of ${chunkSize} bytes is over the limit of ${maxSize} bytes`,
    );
    this.name = "ChatChunkTooLargeError";
  }
}

export function isChatChunkTooLargeError(error: unknown): error is ChatChunkTooLargeError {
  return (error as { name?: unknown } | null)?.name === "ChatChunkTooLargeError";
}

/** Stint's own: a Trigger.dev API that Stint does not implement yet (named, so the caller knows which). */
export class StintUnsupportedError extends Error {
  constructor(readonly feature: string) {
    super(`${feature} is not supported by Stint yet.`);
    this.name = "StintUnsupportedError";
  }
}

/** Trigger.dev's error for a run past its maxDuration of compute time. */
export class MaxDurationExceededError extends Error {
  constructor(readonly maxDurationInSeconds: number) {
    super(`Run exceeded maximum compute time (maxDuration) of ${maxDurationInSeconds} seconds`);
    this.name = "MaxDurationExceededError";
  }
}

export class InputStreamTimeoutError extends Error {
  constructor(
    readonly streamId: string,
    readonly timeoutMs: number,
  ) {
    super(`Timed out after ${timeoutMs}ms waiting for input stream "${streamId}"`);
    this.name = "InputStreamTimeoutError";
  }
}

/** Webhooks (declared in code; nothing receives deliveries in Stint yet). */
export class WebhookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookError";
  }
}
export class WebhookIndexingError extends Error {
  constructor(
    readonly collisions: unknown[] = [],
    readonly problems: unknown[] = [],
  ) {
    super(`Webhook declarations conflict: ${JSON.stringify([...collisions, ...problems])}`);
    this.name = "WebhookIndexingError";
  }
}
export class WebhookWaiterCancelledError extends Error {
  constructor(message = "The webhook waiter was cancelled") {
    super(message);
    this.name = "WebhookWaiterCancelledError";
  }
}
export class WebhookWaiterLimitError extends Error {
  constructor(
    readonly reason: string,
    message?: string,
  ) {
    super(message);
    this.name = "WebhookWaiterLimitError";
  }
}
export class WebhookEndpointNotFoundError extends Error {
  constructor(message?: string) {
    super(message);
    this.name = "WebhookEndpointNotFoundError";
  }
}
export class WebhookFilterError extends Error {
  constructor(message?: string) {
    super(message);
    this.name = "WebhookFilterError";
  }
}
