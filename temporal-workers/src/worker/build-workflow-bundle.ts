/** Child process of workflow-bundle.ts: bundles the engine's workflows and writes the code to the file it names. */
import { writeFileSync } from "node:fs";
import { bundleEngineWorkflows } from "./workflow-bundle.js";

writeFileSync(process.argv[2]!, (await bundleEngineWorkflows()).code);
