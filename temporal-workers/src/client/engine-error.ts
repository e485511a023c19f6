/** An engine error with the HTTP status the REST API should answer with. */
export class EngineError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 413 | 422 | 429,
    message: string,
  ) {
    super(message);
    this.name = "EngineError";
  }
}

export function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === "WorkflowNotFoundError" || /not found/i.test((error as Error)?.message ?? "");
}
