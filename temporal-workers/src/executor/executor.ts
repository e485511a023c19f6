/** Runs one execution of an attempt somewhere: in this process (`stint dev`) or in a container (supervisor). */
import type { DeclaredQueue } from "@stint/sdk/runtime";
import type { AttemptActivityResult, AttemptStartInfo } from "../shared/run-types.js";
import type { AttemptChannel } from "./attempt-channel.js";

export interface AttemptJob {
  info: AttemptStartInfo;
  channel: AttemptChannel;
  /** Aborted when the run is canceled: the onCancel hooks run, then the code stops. */
  signal: AbortSignal;
  /**
   * Aborted when this execution is no longer wanted although the run was not canceled: Temporal timed it out (a
   * newer execution replays the attempt), the run closed, or the worker shuts down. Its code stops at once, without
   * onCancel: the run goes on elsewhere.
   */
  superseded?: AbortSignal;
  /** Called when the task code starts (a runner took the execution); an executor that cannot tell calls it first. */
  onStart?: () => void;
}

export interface AttemptExecutor {
  /**
   * Task ids this executor can run, in the run's locked version if it has one (the attempt activity refuses others with
   * StintTaskNotFound). `environmentId`: for executors serving several environments, whose version names may repeat.
   */
  hasTask(taskId: string, version?: string, environmentId?: string): boolean;
  /** The queues the code declares (in the run's locked version if it has one): the attempt activity checks admissions against them. */
  declaredQueues(version?: string, environmentId?: string): DeclaredQueue[];
  execute(job: AttemptJob): Promise<AttemptActivityResult>;
  /**
   * Called first for each attempt execution, before any other method sees it: an executor that fetches versions on
   * demand (a worker server's) gets the run's locked version here.
   */
  prepare?(info: AttemptStartInfo): Promise<void>;
  /** The bundle version this execution will run, if the executor has versions (the run is then locked to it). */
  versionFor?(info: AttemptStartInfo): string | undefined;
}
