/** Key scoping: a run, batch or token is visible only to the environment that owns it; to others it does not exist. */
import type { RunRecord } from "@stint/sdk/runtime";
import { SA } from "@stint/temporal-workers";
import type { StintEngineClient } from "@stint/temporal-workers";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import { notFound } from "./api-error.js";

export async function ownedRun(engine: StintEngineClient, env: AuthenticatedEnvironment, runId: string): Promise<RunRecord> {
  const run = await engine.retrieveRun(runId).catch((error: unknown) => {
    if ((error as { status?: number }).status === 404) throw notFound(`Run ${runId}`);
    throw error;
  });
  if (run.environment !== env.id) throw notFound(`Run ${runId}`);
  return run;
}

/** Tokens are workflows tagged with their environment; describing one tells whose it is. */
export async function tokenEnvironment(engine: StintEngineClient, tokenId: string): Promise<string | undefined> {
  try {
    const description = await engine.client.workflow.getHandle(tokenId).describe();
    return description.typedSearchAttributes.get(SA.environment) ?? undefined;
  } catch {
    return undefined;
  }
}

export async function assertOwnedToken(engine: StintEngineClient, env: AuthenticatedEnvironment, tokenId: string): Promise<void> {
  if (!/^waitpoint_[a-z0-9]+$/i.test(tokenId)) throw notFound(`Waitpoint token ${tokenId}`);
  if ((await tokenEnvironment(engine, tokenId)) !== env.id) throw notFound(`Waitpoint token ${tokenId}`);
}
