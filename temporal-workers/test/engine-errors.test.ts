/**
 * What a failed Temporal call means for a caller of the REST API: a running run's workflow that did not answer its
 * state query with a code Temporal gives no meaning to (seen once in CI right after Temporal came back from a hang)
 * is a read to retry (503), not a 500 with a stack in the webapp's log; a missing run stays 404; a bug stays a bug.
 * The errors are built as @temporalio/client builds them (ServiceError around a gRPC status).
 */
import { describe, expect, it } from "vitest";
import { ServiceError, WorkflowNotFoundError } from "@temporalio/client";
import { isEngineUnavailable, toEngineError, unansweredStateQuery } from "../src/client/temporal-errors.js";

/** A gRPC status error as the client's transport raises it. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}

const queryFailed = (code: number, details: string) =>
  new ServiceError("Failed to query Workflow", { cause: grpcError(code, details) });

describe("engine errors", () => {
  it("a state query answered with a code of no meaning (INTERNAL, UNKNOWN) reads as the engine unable to answer", () => {
    for (const code of [13, 2]) {
      const raw = queryFailed(code, "query task dropped while the worker reconnected");
      expect(toEngineError(raw)?.status).toBe(500);
      const error = unansweredStateQuery("run_abc", raw);
      expect(isEngineUnavailable(error)).toBe(true);
      expect((error as Error).message).toBe(
        "Run run_abc's workflow did not answer its state query: query task dropped while the worker reconnected",
      );
    }
  });

  it("so does a query failure the client reports without a gRPC status", () => {
    const raw = new ServiceError("Failed to query Workflow", { cause: new Error("stream closed by the server") });
    const error = unansweredStateQuery("run_abc", raw);
    expect(isEngineUnavailable(error)).toBe(true);
    expect((error as Error).message).toBe(
      "Run run_abc's workflow did not answer its state query: stream closed by the server",
    );
  });

  it("a run that is not there stays not found; codes that already mean something keep their meaning", () => {
    const missing = new WorkflowNotFoundError("workflow not found", "run_abc", undefined);
    expect(unansweredStateQuery("run_abc", missing)).toBe(missing);
    const deadline = queryFailed(4, "deadline exceeded");
    expect(unansweredStateQuery("run_abc", deadline)).toBe(deadline);
    expect(isEngineUnavailable(deadline)).toBe(true);
    const refused = queryFailed(3, "bad query");
    expect(unansweredStateQuery("run_abc", refused)).toBe(refused);
    expect(toEngineError(refused)?.status).toBe(400);
  });

  it("an error of our own (a bug, not Temporal's answer) is not hidden as a 503", () => {
    const bug = new TypeError("cannot read properties of undefined");
    expect(unansweredStateQuery("run_abc", bug)).toBe(bug);
    expect(isEngineUnavailable(bug)).toBe(false);
  });
});
