/** Runs one execution of an attempt somewhere: in this process (`stint dev`) or in a container (supervisor). */
import type { AttemptActivityResult, AttemptStartInfo } from "../shared/run-types.js";
import type { AttemptChannel } from "./attempt-channel.js";

export interface AttemptJob {
  info: AttemptStartInfo;
  channel: AttemptChannel;
  /** Aborted when the run is canceled. */
  signal: AbortSignal;
}

export interface AttemptExecutor {
  /** Task ids this executor can run, in the run's locked version if it has one (the attempt activity refuses others with StintTaskNotFound). */
  hasTask(taskId: string, version?: string): boolean;
  execute(job: AttemptJob): Promise<AttemptActivityResult>;
  /** The bundle version this execution will run, if the executor has versions (the run is then locked to it). */
  versionFor?(info: AttemptStartInfo): string | undefined;
}
