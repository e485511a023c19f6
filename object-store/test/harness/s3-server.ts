/**
 * A real S3-compatible server for tests: versitygw (built once by scripts/ensure-s3-server.sh) serving a temporary
 * folder through its posix backend, on a free loopback port, with its own root credentials.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ENSURE_S3_SERVER = fileURLToPath(new URL("../../../scripts/ensure-s3-server.sh", import.meta.url));

export interface S3TestServer {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  stop(): Promise<void>;
}

/** Builds versitygw if needed; its path. */
export function ensureS3ServerBinary(): string {
  return execFileSync("bash", [ENSURE_S3_SERVER], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 20 * 60_000,
  })
    .trim()
    .split("\n")
    .pop()!;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export async function startS3Server(binary = ensureS3ServerBinary()): Promise<S3TestServer> {
  const folder = mkdtempSync(join(tmpdir(), "stint-s3-"));
  const root = join(folder, "buckets");
  const sidecar = join(folder, "metadata");
  mkdirSync(root);
  mkdirSync(sidecar);
  const port = await freePort();
  const accessKeyId = `stint${randomBytes(6).toString("hex")}`;
  const secretAccessKey = randomBytes(24).toString("base64url");
  // Metadata (content types) in a sidecar folder: no need for a filesystem with extended attributes.
  const child: ChildProcess = spawn(
    binary,
    ["--quiet", "--port", `127.0.0.1:${port}`, "posix", "--sidecar", sidecar, root],
    {
      env: { ...process.env, ROOT_ACCESS_KEY: accessKeyId, ROOT_SECRET_KEY: secretAccessKey },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`versitygw exited (${child.exitCode}): ${output}`);
    const ready = await fetch(endpoint).then(
      () => true,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`versitygw did not answer on ${endpoint} within 30 s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    accessKeyId,
    secretAccessKey,
    region: "us-east-1",
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
