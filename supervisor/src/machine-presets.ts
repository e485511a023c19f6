/**
 * Machine presets, as Trigger.dev defines them: the CPU and memory an attempt execution gets. A run takes its
 * trigger's `machine`, else its task's (or the config's default), else small-1x.
 */
import type { RunnerLaunchSpec } from "@stint/temporal-workers";

export interface MachinePreset {
  name: string;
  /** vCPUs. */
  cpu: number;
  /** GB. */
  memory: number;
}

export const MACHINE_PRESETS: Record<string, MachinePreset> = Object.fromEntries(
  (
    [
      ["micro", 0.25, 0.25],
      ["small-1x", 0.5, 0.5],
      ["small-2x", 1, 1],
      ["medium-1x", 1, 2],
      ["medium-2x", 2, 4],
      ["large-1x", 4, 8],
      ["large-2x", 8, 16],
    ] as const
  ).map(([name, cpu, memory]) => [name, { name, cpu, memory }]),
);

export const DEFAULT_MACHINE = "small-1x";

export function machineFor(execution: RunnerLaunchSpec["execution"]): MachinePreset {
  const requested =
    execution?.info.item.options?.machine ?? (execution?.task as { machine?: string } | undefined)?.machine;
  return machinePreset(requested);
}

/** A preset by name; an unknown or absent name is the default. */
export function machinePreset(name: string | undefined): MachinePreset {
  return MACHINE_PRESETS[name ?? DEFAULT_MACHINE] ?? MACHINE_PRESETS[DEFAULT_MACHINE]!;
}

/** Task code's JavaScript heap limit: most of the machine's memory, leaving room for Node itself and buffers. */
export function heapLimitMb(machine: MachinePreset): number {
  return Math.max(64, Math.floor(machine.memory * 1024 * 0.75));
}
