/**
 * Stint's runtime base image, built on this host from nothing that has to be pulled: `FROM scratch` with the host's
 * own Node binary and the shared libraries it links (as `ldd` lists them), a passwd entry for the unprivileged user
 * containers run as, and nothing else — no shell, no package manager. Tagged by the Node binary it holds, so a host
 * whose Node changed builds a new one. Containers mount the runner and the deployment's bundle read-only.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type Docker from "dockerode";

/** Where Node is in the image: containers run `NODE_PATH_IN_IMAGE runner.mjs`. */
export const NODE_IN_IMAGE = "/usr/local/bin/node";
/** The user containers run as (not root; no capabilities anyway). */
export const CONTAINER_USER = "1000:1000";
export const RUNTIME_IMAGE_REPOSITORY = "stint-runtime";

/** The image for this host's Node (built once; later calls find it). */
export async function ensureRuntimeImage(
  docker: Docker,
  log: (line: string) => void = () => undefined,
): Promise<string> {
  const node = realpathSync(process.execPath);
  const libraries = sharedLibraries(node);
  const fingerprint = createHash("sha256")
    .update([node, statSync(node).size, statSync(node).mtimeMs, ...libraries].join("\n"))
    .digest("hex")
    .slice(0, 12);
  const tag = `${RUNTIME_IMAGE_REPOSITORY}:node${process.versions.node}-${fingerprint}`;
  try {
    await docker.getImage(tag).inspect();
    return tag;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  log(`[supervisor] building the runtime image ${tag} (Node ${process.versions.node} and its libraries, from scratch)`);
  const context = mkdtempSync(join(tmpdir(), "stint-runtime-image-"));
  try {
    const rootfs = join(context, "rootfs");
    copyInto(rootfs, node, NODE_IN_IMAGE);
    for (const library of libraries) copyInto(rootfs, library, library);
    mkdirSync(join(rootfs, "etc"), { recursive: true });
    writeFileSync(
      join(rootfs, "etc/passwd"),
      "root:x:0:0:root:/root:/sbin/nologin\nstint:x:1000:1000:stint:/tmp:/sbin/nologin\n",
    );
    writeFileSync(join(rootfs, "etc/group"), "root:x:0:\nstint:x:1000:\n");
    mkdirSync(join(rootfs, "tmp"), { recursive: true });
    mkdirSync(join(rootfs, "stint"), { recursive: true });
    writeFileSync(
      join(context, "Dockerfile"),
      [
        "FROM scratch",
        "COPY rootfs/ /",
        `USER ${CONTAINER_USER}`,
        "WORKDIR /tmp",
        `ENTRYPOINT ["${NODE_IN_IMAGE}"]`,
        "",
      ].join("\n"),
    );
    const stream = await docker.buildImage(
      { context, src: ["Dockerfile", "rootfs"] },
      { t: tag, labels: { "dev.stint.runtime": process.versions.node } },
    );
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null, output: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
          const failed = error?.message ?? output.find((line) => line.error)?.error;
          if (failed) reject(new Error(`building the runtime image ${tag} failed: ${failed}`));
          else resolve();
        },
      );
    });
    return tag;
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** The shared libraries (and the dynamic loader) a binary needs, as absolute paths. */
function sharedLibraries(binary: string): string[] {
  const output = execFileSync("ldd", [binary], { encoding: "utf8" });
  const paths = new Set<string>();
  for (const line of output.split("\n")) {
    const path = /=>\s*(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s*\(/.exec(line)?.[1];
    if (path) paths.add(path);
  }
  return [...paths];
}

/** Copies `source` (following links) to `target` inside the image's root filesystem. */
function copyInto(rootfs: string, source: string, target: string): void {
  const destination = join(rootfs, target);
  mkdirSync(dirname(destination), { recursive: true });
  copyFileSync(realpathSync(source), destination);
}
