/**
 * The manifest \`stint deploy\` registers with the webapp (a public type of @stint/cli: it imports nothing but
 * declared dependencies, so the package's declarations stand on their own).
 */
import type { DeclaredQueue } from "@stint/sdk/runtime";

/** A task's retry settings as deployed (task options over the config's defaults). */
export interface DeployedRetry {
  maxAttempts?: number;
  factor?: number;
  minTimeoutInMs?: number;
  maxTimeoutInMs?: number;
  randomize?: boolean;
  /** Retry an attempt that ran out of memory on this machine preset. */
  outOfMemory?: { machine?: string };
}

export interface DeployManifest {
  packageVersion: string;
  cliPackageVersion: string;
  /** The build's content hash (its local bundle version). */
  contentHash: string;
  runtime: "node";
  runtimeVersion: string;
  tasks: Array<{
    id: string;
    filePath: string;
    exportName?: string;
    queue: { name: string; concurrencyLimit?: number | null };
    retry: DeployedRetry;
    machine?: { preset: string };
    maxDuration?: number;
    schedule?: { cron: string; timezone?: string };
  }>;
  queues: DeclaredQueue[];
  maxDuration?: number;
}
