/** A machine preset as Docker limits: CPU (capped at the host's CPUs, which Docker requires) and memory without swap. */
import { availableParallelism } from "node:os";
import type { MachinePreset } from "../machine-presets.js";

export function dockerLimits(machine: MachinePreset): { NanoCpus: number; Memory: number; MemorySwap: number } {
  const memory = Math.round(machine.memory * 1024 ** 3);
  return {
    NanoCpus: Math.round(Math.min(machine.cpu, availableParallelism()) * 1e9),
    Memory: memory,
    // Equal to Memory: no swap, so a task over its memory is killed (OOMKilled) instead of crawling.
    MemorySwap: memory,
  };
}
