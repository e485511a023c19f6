/**
 * The manifest \`stint deploy\` registers with the webapp (a public type of @stint/cli: it imports nothing but
 * declared dependencies, so the package's declarations stand on their own).
 */
import type { RetryOptions } from "@stint/sdk/core";
import type { DeclaredQueue } from "@stint/sdk/runtime";

/** A task's retry settings as deployed (task options over the config's defaults): Trigger.dev's retry options. */
export type DeployedRetry = RetryOptions;

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
  /** The config's network for the version's containers on worker servers (absent: none). */
  network?: "none" | "host";
}
