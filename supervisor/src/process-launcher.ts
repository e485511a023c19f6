/**
 * The process executor: each attempt execution in a child process of the supervisor (hosts without Docker, or a plain
 * worker on another machine), over the same runner protocol. Task code gets the environment's variables and a heap
 * limit from its machine preset, never the supervisor's own environment (which holds the worker token).
 */
import { childProcessLauncher, type RunnerLauncher } from "@stint/temporal-workers";
import { heapLimitMb, machineFor, machinePreset } from "./machine-presets.js";
import type { EnvironmentContext } from "./worker-server-executor.js";

/** Variables of the supervisor's environment task code may see. */
const PASSED_THROUGH = ["PATH", "HOME", "TZ", "LANG", "TMPDIR"];

export function processLauncher(environment: EnvironmentContext): RunnerLauncher {
  return {
    launch(spec) {
      // A warm runner is started for its pool's machine; the executions that take it are of that machine.
      const machine = spec.execution ? machineFor(spec.execution) : machinePreset(spec.machine);
      const base = Object.fromEntries(
        PASSED_THROUGH.flatMap((key) => (process.env[key] ? [[key, process.env[key]]] : [])),
      );
      return childProcessLauncher({
        env: { ...base, ...environment.variables(), NODE_ENV: "production", STINT_MACHINE: machine.name },
        execArgv: [`--max-old-space-size=${heapLimitMb(machine)}`],
      }).launch(spec);
    },
  };
}
