/** A project built into a bundle version exactly as `stint dev` builds it, for tests and benchmarks of runners. */
import { join } from "node:path";
import { BundleStore, type RunnerBundle } from "@stint/temporal-workers";
import { buildProject } from "../../src/project/build-project.js";
import { loadConfig } from "../../src/project/load-config.js";

export async function buildProjectBundle(projectDir: string): Promise<RunnerBundle> {
  const loaded = await loadConfig(projectDir, join(projectDir, ".stint", "config"));
  const store = new BundleStore(join(projectDir, ".stint", "build"));
  return (await buildProject(projectDir, loaded.config, loaded.file, store)).bundle;
}
