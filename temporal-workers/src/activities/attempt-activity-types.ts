/** Activity signatures as the workflows see them (types only: activity code lives outside the sandbox). */
import type { TokenResult, TokenState } from "@stint/sdk/runtime";
import type { AttemptActivityInput, AttemptActivityResult } from "../shared/run-types.js";

export interface AttemptActivities {
  runAttempt(input: AttemptActivityInput): Promise<AttemptActivityResult>;
}

export interface EngineActivities {
  /** Result of a token that may have closed already (a late subscriber). */
  readTokenResult(tokenId: string): Promise<TokenResult | null>;
  readTokenState(tokenId: string): Promise<TokenState | null>;
}
