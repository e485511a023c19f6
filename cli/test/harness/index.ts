/** The CLI's test harness for other packages' tests and benchmarks (`@stint/cli/testing`): `stint dev` driven as a child process, and generated projects. */
export { DevProcess, startStandaloneDev } from "./dev-process.js";
export { generatedTaskId, writeGeneratedProject } from "./generated-project.js";
export { buildProjectBundle } from "./project-bundle.js";
