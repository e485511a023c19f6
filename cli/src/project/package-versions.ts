/** The versions of the Stint SDK a build bundles and of this CLI, for the deployment manifest. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sdkEntryPath } from "./sdk-alias-plugin.js";

/** The version in the nearest package.json named `name` above `file` (a checkout's sources, or an installed dist/). */
function versionAbove(file: string, name: string): string {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "package.json");
    if (!existsSync(candidate)) continue;
    const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string; version?: string };
    if (pkg.name === name) return pkg.version ?? "0.0.0";
  }
  return "0.0.0";
}

export function packageVersions(): { packageVersion: string; cliPackageVersion: string } {
  return {
    packageVersion: versionAbove(sdkEntryPath("@stint/sdk"), "@stint/sdk"),
    cliPackageVersion: versionAbove(fileURLToPath(import.meta.url), "@stint/cli"),
  };
}
