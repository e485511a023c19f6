/**
 * Worker groups: the worker servers that share a token and poll one task queue (`workers.<name>`). First boot
 * creates `default`, prints its token once in a framed box and writes it to `<data dir>/worker-token` (the "token
 * lost?" path); only the token's hash is stored. A rotation replaces the hash: the old token stops working at once.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import type { Database } from "../database/prisma-client.js";
import { hashSecret, newId } from "../auth/secrets.js";
import { ApiError, notFound } from "../api/api-error.js";
import { framedBox } from "./token-box.js";
import { newWorkerToken, workerGroupTaskQueue } from "./worker-tokens.js";

export const DEFAULT_WORKER_GROUP = "default";
/** A server is Connected while its last heartbeat is this recent (supervisors heartbeat every 5 s). */
export const CONNECTED_WITHIN_MS = 30_000;

export const workerGroupNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,39}$/,
    "name: 1 to 40 lowercase letters, digits or dashes, starting with a letter or digit (it names the task queue workers.<name>)",
  );

/** First boot: the default group and its token, printed once and written to `tokenFile`. Later boots change nothing. */
export async function ensureDefaultWorkerGroup(
  db: Database,
  options: { tokenFile: string; log: (line: string) => void },
): Promise<{ created: boolean; token?: string }> {
  const existing = await db.workerGroup.findUnique({ where: { name: DEFAULT_WORKER_GROUP } });
  if (existing) {
    const saved = readTokenFile(options.tokenFile);
    return { created: false, token: saved && hashSecret(saved) === existing.tokenHash ? saved : undefined };
  }
  const { token, tokenHash, tokenHint } = newWorkerToken();
  await db.workerGroup.create({ data: { id: newId("wg_"), name: DEFAULT_WORKER_GROUP, tokenHash, tokenHint } });
  writeTokenFile(options.tokenFile, token);
  for (const line of framedBox([
    `Worker token of the "${DEFAULT_WORKER_GROUP}" worker group (shown once):`,
    "",
    token,
    "",
    "Start a supervisor on each worker server with it:",
    `  npm run supervisor -- --api-url <this webapp's URL> --token ${token.slice(0, 11)}… --name <server>`,
    `Lost it? It is also in ${options.tokenFile}, or rotate it on the dashboard (Workers).`,
  ]))
    options.log(line);
  return { created: true, token };
}

export async function createWorkerGroup(
  db: Database,
  name: string,
): Promise<{ id: string; name: string; token: string }> {
  const parsed = workerGroupNameSchema.safeParse(name);
  if (!parsed.success) throw new ApiError(400, parsed.error.issues[0]!.message);
  if (await db.workerGroup.findUnique({ where: { name } }))
    throw new ApiError(409, `name: a worker group named "${name}" exists already`);
  const { token, tokenHash, tokenHint } = newWorkerToken();
  const id = newId("wg_");
  await db.workerGroup.create({ data: { id, name, tokenHash, tokenHint } });
  return { id, name, token };
}

/** A new token for the group; its supervisors are refused from their next call until they get it. */
export async function rotateWorkerToken(db: Database, groupId: string): Promise<{ token: string }> {
  const { token, tokenHash, tokenHint } = newWorkerToken();
  const updated = await db.workerGroup.updateMany({
    where: { id: groupId },
    data: { tokenHash, tokenHint, rotatedAt: new Date() },
  });
  if (updated.count === 0) throw notFound(`Worker group ${groupId}`);
  return { token };
}

export async function listWorkerGroups(db: Database, now = Date.now()) {
  const groups = await db.workerGroup.findMany({
    orderBy: { createdAt: "asc" },
    include: { servers: { orderBy: { name: "asc" } } },
  });
  return groups.map((group) => ({
    id: group.id,
    name: group.name,
    taskQueue: workerGroupTaskQueue(group.name),
    tokenHint: group.tokenHint,
    createdAt: group.createdAt,
    rotatedAt: group.rotatedAt,
    servers: group.servers.map((server) => ({
      id: server.id,
      name: server.name,
      executor: server.executor,
      capacity: server.capacity,
      running: server.running,
      versions: server.versions,
      lastHeartbeatAt: server.lastHeartbeatAt,
      connectedAt: server.connectedAt,
      connected: !server.disconnectedAt && now - server.lastHeartbeatAt.getTime() < CONNECTED_WITHIN_MS,
    })),
  }));
}

function readTokenFile(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, "utf8").trim() || undefined : undefined;
}

function writeTokenFile(file: string, token: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
}
