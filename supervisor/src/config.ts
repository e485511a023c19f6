/** The supervisor's settings, from its command line and environment, validated: a bad one names the option and the fix. */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";

export const supervisorConfigSchema = z.object({
  apiUrl: z
    .string({ message: "--api-url (or STINT_API_URL) is required: the webapp's URL, e.g. http://stint.internal:3030" })
    .url("--api-url: a URL like http://stint.internal:3030"),
  token: z
    .string({
      message:
        "--token (or STINT_WORKER_TOKEN) is required: the worker token the webapp printed at first boot (tr_wgt_…)",
    })
    .regex(
      /^tr_wgt_\S+$/,
      "--token: a worker token starts with tr_wgt_ (the webapp printed it at first boot and wrote it to <data dir>/worker-token)",
    ),
  name: z
    .string({ message: "--name (or STINT_WORKER_NAME) is required: this server's name in its worker group" })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "--name: 1 to 63 letters, digits, dots, dashes or underscores"),
  capacity: z.coerce
    .number()
    .int("--capacity: a whole number")
    .min(1, "--capacity: at least 1")
    .max(1000, "--capacity: at most 1000")
    .default(4),
  executor: z
    .enum(["docker", "process"], {
      message: "--executor: docker (each attempt in a container) or process (each in a child process)",
    })
    .default("docker"),
  /** Deployment bundles (cached by version) and the runners' sockets. */
  dataDir: z.string().min(1).default(join(homedir(), ".stint-supervisor")),
  /** On SIGTERM: how long running attempts may go on before they are stopped (and retried elsewhere). */
  shutdownGraceMs: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  dockerSocket: z.string().min(1).default("/var/run/docker.sock"),
  /** Runners kept started per environment's current deployment and machine preset (warm starts); 0: none. */
  warmPool: z.coerce
    .number()
    .int("--warm-pool: a whole number of runners")
    .min(0, "--warm-pool: 0 (no warm starts) or more")
    .max(16, "--warm-pool: at most 16 per deployment and machine")
    .default(1),
  /** The runtime image containers start from; default: the one the supervisor builds from its own Node. */
  runtimeImage: z.string().min(1).optional(),
});

export type SupervisorConfig = z.infer<typeof supervisorConfigSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Options override environment variables (STINT_API_URL, STINT_WORKER_TOKEN, STINT_WORKER_NAME, …). */
export function configFromCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env): SupervisorConfig {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "api-url": { type: "string" },
        token: { type: "string" },
        name: { type: "string" },
        capacity: { type: "string" },
        executor: { type: "string" },
        "data-dir": { type: "string" },
        "grace-period": { type: "string" },
        "docker-socket": { type: "string" },
        "runtime-image": { type: "string" },
        "warm-pool": { type: "string" },
      },
      strict: true,
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    throw new ConfigError(
      `${(error as Error).message}. Options: --api-url, --token, --name, --capacity, --executor docker|process, --data-dir, --grace-period <seconds>, --docker-socket, --runtime-image, --warm-pool <n>`,
    );
  }
  const grace = values["grace-period"] ?? env.STINT_SHUTDOWN_GRACE_SECONDS;
  const graceSeconds = grace === undefined ? undefined : Number(grace);
  if (graceSeconds !== undefined && !Number.isFinite(graceSeconds))
    throw new ConfigError("--grace-period: a number of seconds, e.g. 30");
  const dataDir = values["data-dir"] ?? env.STINT_SUPERVISOR_DATA_DIR;
  return parseConfig({
    apiUrl: values["api-url"] ?? env.STINT_API_URL,
    token: values.token ?? env.STINT_WORKER_TOKEN,
    name: values.name ?? env.STINT_WORKER_NAME,
    capacity: values.capacity ?? env.STINT_WORKER_CAPACITY,
    executor: values.executor ?? env.STINT_EXECUTOR,
    dataDir: dataDir && resolve(dataDir),
    shutdownGraceMs: graceSeconds === undefined ? undefined : Math.round(graceSeconds * 1000),
    dockerSocket: values["docker-socket"] ?? env.STINT_DOCKER_SOCKET,
    runtimeImage: values["runtime-image"] ?? env.STINT_RUNTIME_IMAGE,
    warmPool: values["warm-pool"] ?? env.STINT_WARM_POOL,
  });
}

export function parseConfig(input: Record<string, unknown>): SupervisorConfig {
  // An empty variable (STINT_WORKER_TOKEN=) counts as not given.
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined && value !== ""));
  const result = supervisorConfigSchema.safeParse(defined);
  if (!result.success) throw new ConfigError(result.error.issues.map((issue) => issue.message).join("; "));
  return result.data;
}
