/**
 * How an attempt execution's container is created: hardened by default. No network (unless the deployment asks for
 * the host's), no capabilities, no privilege
 * escalation, a read-only root filesystem with a small tmpfs for /tmp, a pids limit, an unprivileged user, the machine
 * preset's CPU and memory, and no Docker socket inside: only the runner (read-only), the deployment's bundle
 * (read-only) and the folder holding the socket the runner talks to its supervisor through.
 */
import type Docker from "dockerode";
import { heapLimitMb, type MachinePreset } from "../machine-presets.js";
import { dockerLimits } from "./machine-limits.js";
import { CONTAINER_USER, NODE_IN_IMAGE } from "./runtime-image.js";

const [CONTAINER_UID, CONTAINER_GID] = CONTAINER_USER.split(":");

/** Paths inside the container. */
export const RUNNER_IN_CONTAINER = "/stint/runner.mjs";
export const BUNDLE_IN_CONTAINER = "/stint/bundle";
export const IPC_IN_CONTAINER = "/stint/ipc";
export const SOCKET_IN_CONTAINER = `${IPC_IN_CONTAINER}/runner.sock`;

/** Labels that find a supervisor's containers again (and what runs in them). */
export const SUPERVISOR_LABEL = "dev.stint.supervisor";
/** On containers started ahead of an execution (the warm pool). */
export const WARM_LABEL = "dev.stint.warm";

/** Threads count against it too (Node starts about a dozen). */
export const PIDS_LIMIT = 256;
export const TMP_SIZE = "64m";

export interface ContainerSpecInput {
  name: string;
  image: string;
  supervisorName: string;
  machine: MachinePreset;
  env: Record<string, string>;
  /** Host paths mounted into the container. */
  runnerFile: string;
  bundleDir: string;
  ipcDir: string;
  labels?: Record<string, string>;
  /** "none" unless the deployment asked for the host's network (trigger.config.ts `network: "host"`). */
  network?: "none" | "host";
}

export function containerSpec(input: ContainerSpecInput): Docker.ContainerCreateOptions {
  return {
    name: input.name,
    Image: input.image,
    User: CONTAINER_USER,
    WorkingDir: "/tmp",
    Entrypoint: [NODE_IN_IMAGE],
    Cmd: ["--enable-source-maps", `--max-old-space-size=${heapLimitMb(input.machine)}`, RUNNER_IN_CONTAINER],
    Env: Object.entries({ ...input.env, HOME: "/tmp", STINT_RUNNER_SOCKET: SOCKET_IN_CONTAINER }).map(
      ([key, value]) => `${key}=${value}`,
    ),
    Labels: { [SUPERVISOR_LABEL]: input.supervisorName, "dev.stint.machine": input.machine.name, ...input.labels },
    NetworkDisabled: input.network !== "host",
    HostConfig: {
      NetworkMode: input.network === "host" ? "host" : "none",
      SecurityOpt: ["no-new-privileges"],
      CapDrop: ["ALL"],
      ReadonlyRootfs: true,
      // Owned by the container's user (some kernels ignore mode=1777 on tmpfs).
      Tmpfs: { "/tmp": `rw,nosuid,nodev,noexec,size=${TMP_SIZE},uid=${CONTAINER_UID},gid=${CONTAINER_GID},mode=1777` },
      PidsLimit: PIDS_LIMIT,
      ...dockerLimits(input.machine),
      Binds: [
        `${input.runnerFile}:${RUNNER_IN_CONTAINER}:ro`,
        `${input.bundleDir}:${BUNDLE_IN_CONTAINER}:ro`,
        `${input.ipcDir}:${IPC_IN_CONTAINER}`,
      ],
      // Kept after exit until the supervisor read how it ended (OOMKilled, exit code), then removed.
      AutoRemove: false,
    },
  };
}
