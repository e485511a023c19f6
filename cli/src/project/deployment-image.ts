/**
 * `stint deploy --registry`: the version as a container image, `<registry>/<project>:<version>`, built FROM Stint's
 * runtime base image (Node and nothing else; a supervisor builds it on its host: `stint-runtime:node<version>-…`)
 * with the bundle's files in /stint/deployment, and pushed to the registry. Built and pushed with the `docker` CLI
 * of the machine (its progress lines are shown); registry credentials given here go to a temporary Docker config
 * that is removed afterwards, so they never land in ~/.docker.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ImageError } from "../errors.js";

export const RUNTIME_IMAGE_REPOSITORY = "stint-runtime";
/** Where the bundle's files are in the image. */
export const DEPLOYMENT_DIR_IN_IMAGE = "/stint/deployment";

export interface ImageOptions {
  /** `host[:port][/namespace]`. */
  registry: string;
  username?: string;
  password?: string;
  /** Default: the newest `stint-runtime` image on the Docker engine. */
  baseImage?: string;
}

/** What `--registry` may be: a host (with a port), then path segments Docker accepts. */
export function registryProblem(registry: string): string | undefined {
  return /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(registry)
    ? undefined
    : `--registry must be host[:port][/namespace] in lowercase, like 127.0.0.1:5000 or registry.example.com/team (got "${registry}")`;
}

/** Docker repository names are lowercase letters, digits and separators. */
export function imageReferenceFor(registry: string, projectRef: string, version: string): string {
  const repository = projectRef.toLowerCase().replace(/[^a-z0-9._-]+/g, "-");
  return `${registry.replace(/\/+$/, "")}/${repository}:${version}`;
}

/** Builds and pushes the image of `files`; answers its reference (`…:<version>@sha256:…` once pushed). */
export async function buildAndPushImage(
  options: ImageOptions,
  image: { projectRef: string; version: string; files: Array<{ path: string; contents: string }> },
  log: (line: string) => void,
): Promise<string> {
  const docker = process.env.STINT_DOCKER_BIN ?? "docker";
  const reference = imageReferenceFor(options.registry, image.projectRef, image.version);
  const work = mkdtempSync(join(tmpdir(), "stint-deploy-image-"));
  // Credentials given here stay in this temporary Docker config; without them, the user's own `docker login` applies.
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_BUILDKIT: "0" };
  if (options.username || options.password) env.DOCKER_CONFIG = join(work, "docker-config");
  try {
    const base = options.baseImage ?? (await newestRuntimeImage(docker, env));
    const context = join(work, "context");
    for (const file of image.files) {
      const target = join(context, "bundle", file.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.contents);
    }
    writeFileSync(
      join(context, "Dockerfile"),
      [
        `FROM ${base}`,
        `COPY bundle/ ${DEPLOYMENT_DIR_IN_IMAGE}/`,
        `LABEL dev.stint.project="${image.projectRef}" dev.stint.version="${image.version}"`,
        "",
      ].join("\n"),
    );
    if (options.username || options.password) {
      if (!options.username || !options.password)
        throw new ImageError(
          "--registry-username and --registry-password go together (or neither: your own `docker login` is used)",
        );
      const host = options.registry.split("/")[0]!;
      await run(
        docker,
        ["login", host, "--username", options.username, "--password-stdin"],
        env,
        (line) => log(`  [login] ${line}`),
        options.password,
      );
    }
    log(`  Building the image ${reference} on ${base}…`);
    await run(docker, ["build", "--tag", reference, context], env, (line) => log(`  [build] ${line}`));
    log(`  Pushing ${reference}…`);
    let digest: string | undefined;
    await run(docker, ["push", reference], env, (line) => {
      digest ??= /digest: (sha256:[a-f0-9]{64})/.exec(line)?.[1];
      log(`  [push] ${line}`);
    });
    return digest ? `${reference}@${digest}` : reference;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function newestRuntimeImage(docker: string, env: NodeJS.ProcessEnv): Promise<string> {
  const lines: string[] = [];
  await run(docker, ["image", "ls", RUNTIME_IMAGE_REPOSITORY, "--format", "{{.Repository}}:{{.Tag}}"], env, (line) =>
    lines.push(line),
  );
  const newest = lines.find((line) => line.startsWith(`${RUNTIME_IMAGE_REPOSITORY}:`) && !line.endsWith(":<none>"));
  if (!newest) {
    throw new ImageError(
      `Stint's runtime base image (${RUNTIME_IMAGE_REPOSITORY}:…) is not on this Docker engine: a supervisor with the Docker executor builds it when it starts ` +
        "(npm run supervisor -- --executor docker …), or name one with --base-image",
    );
  }
  return newest;
}

/** Runs a docker command, handing each line it prints to `onLine`; a failure carries its last lines. */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine: (line: string) => void,
  stdin?: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    const tail: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      let pending = "";
      stream.on("data", (chunk: Buffer) => {
        pending += chunk.toString();
        const parts = pending.split(/\r?\n|\r/);
        pending = parts.pop()!;
        for (const line of parts.filter((part) => part.trim())) {
          tail.push(line);
          if (tail.length > 10) tail.shift();
          onLine(line);
        }
      });
    }
    child.once("error", (error) =>
      reject(
        new ImageError(
          `${command} ${args[0]}: ${error.message} (is Docker installed? set STINT_DOCKER_BIN to its CLI)`,
        ),
      ),
    );
    child.once("close", (code) =>
      code === 0 ? resolve() : reject(new ImageError(`docker ${args[0]} failed (exit ${code}):\n${tail.join("\n")}`)),
    );
    child.stdin.end(stdin ?? "");
  });
}
