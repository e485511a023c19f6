/**
 * `stint deploy --registry`: the version as an image `<registry>/<project>:<version>` on Stint's runtime image (the
 * one the supervisor builds), pushed to a real password-protected registry (Debian's docker-registry on a loopback
 * port, scripts/ensure-registry.sh) with build and push progress; the webapp records the image. A wrong registry
 * password fails the deployment before it becomes current. The pushed image is pulled back and its bundle read with
 * the image's own Node.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject } from "@stint/dashboard";
import { freePort } from "@stint/temporal-workers";
import { startStack, type Stack } from "./harness/stack.js";

const exec = promisify(execFile);
const CLI = fileURLToPath(new URL("../../cli/bin/stint.mjs", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./fixtures/deployed-project", import.meta.url));
const ENSURE_REGISTRY = fileURLToPath(new URL("../../scripts/ensure-registry.sh", import.meta.url));
const USER = "stint";
const PASSWORD = "registry-secret-1";

let stack: Stack;
let registry: ChildProcess;
let registryHost: string;
let prod: { id: string; secretKey: string };
let project: string;
const pushed: string[] = [];

async function deploy(args: string[]): Promise<{ code: number | null; output: string }> {
  const { TEMPORAL_ADDRESS: _address, ...env } = process.env;
  const child = spawn(process.execPath, [CLI, "deploy", ...args], {
    cwd: project,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...env, TRIGGER_API_URL: stack.webapp.url, TRIGGER_SECRET_KEY: prod.secretKey },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, output };
}

const basicAuth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;

beforeAll(async () => {
  const binary = execFileSync("bash", [ENSURE_REGISTRY], { encoding: "utf8" }).trim().split("\n").pop()!;
  const dir = mkdtempSync(join(tmpdir(), "stint-registry-"));
  writeFileSync(join(dir, "htpasswd"), execFileSync("htpasswd", ["-Bbn", USER, PASSWORD], { encoding: "utf8" }));
  registryHost = `127.0.0.1:${await freePort()}`;
  writeFileSync(
    join(dir, "config.yml"),
    [
      "version: 0.1",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(dir, "data")}`,
      "http:",
      `  addr: ${registryHost}`,
      "auth:",
      "  htpasswd:",
      "    realm: stint",
      `    path: ${join(dir, "htpasswd")}`,
      "",
    ].join("\n"),
  );
  registry = spawn(binary, ["serve", join(dir, "config.yml")], { stdio: "ignore" });
  for (let answered = false; !answered; await new Promise((r) => setTimeout(r, 200))) {
    answered = (await fetch(`http://${registryHost}/v2/`).catch(() => undefined))?.status === 401;
  }

  stack = await startStack();
  const org = await stack.webapp.db.organization.findFirstOrThrow();
  const created = await createProject(stack.webapp.db, org.id, "Imaged");
  prod = created.environments.find((env) => env.type === "PRODUCTION")!;
  project = join(mkdtempSync(join(tmpdir(), "stint-image-project-")), "project");
  cpSync(FIXTURE, project, { recursive: true });
  const config = join(project, "trigger.config.ts");
  writeFileSync(config, readFileSync(config, "utf8").replace(/project:\s*"[^"]*"/, `project: "${created.ref}"`));
});

afterAll(async () => {
  for (const image of pushed) await exec("docker", ["image", "rm", "--force", image]).catch(() => undefined);
  registry?.kill();
  await stack?.stop();
});

describe("stint deploy --registry", () => {
  it("a wrong registry password fails the deployment, which never becomes current", async () => {
    const { code, output } = await deploy([
      "--registry",
      registryHost,
      "--registry-username",
      USER,
      "--registry-password",
      "wrong",
    ]);
    expect(code).toBe(1);
    expect(output).toMatch(/docker login failed/);
    expect(output).not.toContain("wrong");
    const latest = await stack.webapp.db.deployment.findFirstOrThrow({
      where: { environmentId: prod.id },
      orderBy: { createdAt: "desc" },
    });
    expect(latest.status).toBe("FAILED");
    expect(await stack.webapp.db.currentDeployment.findUnique({ where: { environmentId: prod.id } })).toBeNull();
  });

  it("builds <registry>/<project>:<version> on the runtime image, pushes it with progress, and the webapp records it", async () => {
    const { code, output } = await deploy([
      "--registry",
      registryHost,
      "--registry-username",
      USER,
      "--registry-password",
      PASSWORD,
    ]);
    expect(code, output).toBe(0);
    const deployment = await stack.webapp.db.deployment.findFirstOrThrow({
      where: { environmentId: prod.id, status: "DEPLOYED" },
    });
    const { ref } = await stack.webapp.db.project.findFirstOrThrow({
      where: { environments: { some: { id: prod.id } } },
    });
    const reference = `${registryHost}/${ref}:${deployment.version}`;
    pushed.push(reference);
    expect(output).toContain(`Building the image ${reference} on stint-runtime:`);
    expect(output).toMatch(/\[build\] Step 1\/3 : FROM stint-runtime:/);
    expect(output).toMatch(/\[push\] .*digest: sha256:[a-f0-9]{64}/);
    expect(deployment.imageReference).toMatch(
      new RegExp(`^${reference.replace(/[.:/]/g, "\\$&")}@sha256:[a-f0-9]{64}$`),
    );
    expect(output).not.toContain(PASSWORD);

    // The registry has it (asked with the password), and the image pulled back holds the bundle, read by its own Node.
    const tags = (await (
      await fetch(`http://${registryHost}/v2/${ref}/tags/list`, { headers: { authorization: basicAuth } })
    ).json()) as { tags: string[] };
    expect(tags.tags).toContain(deployment.version);
    await exec("docker", ["image", "rm", reference]);
    const config = mkdtempSync(join(tmpdir(), "stint-docker-config-"));
    const env = { ...process.env, DOCKER_CONFIG: config };
    await exec("docker", ["login", registryHost, "--username", USER, "--password", PASSWORD], { env });
    await exec("docker", ["pull", reference], { env });
    const { stdout } = await exec("docker", [
      "run",
      "--rm",
      "--network",
      "none",
      reference,
      "-e",
      "console.log(require('fs').readdirSync('/stint/deployment/src/trigger').join(','))",
    ]);
    expect(
      stdout
        .trim()
        .split(",")
        .some((file) => file.endsWith(".mjs")),
    ).toBe(true);
    const labels = JSON.parse(
      (await exec("docker", ["image", "inspect", reference, "--format", "{{json .Config.Labels}}"])).stdout,
    ) as Record<string, string>;
    expect(labels).toMatchObject({ "dev.stint.project": ref, "dev.stint.version": deployment.version });
  });
});
