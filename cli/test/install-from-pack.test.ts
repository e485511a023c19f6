/**
 * The CLI as a user gets it: `npm run pack` writes the @stint/sdk and @stint/cli tarballs, npm installs them into a
 * fresh project outside this repository (their dependencies from the npm registry, or npm's cache), and there
 * `npx stint init` writes a project, `npx stint dev` starts its own Temporal dev server (the Temporal CLI from
 * TEMPORAL_BIN, as a user without a Stint checkout would point it) and runs a triggered task to completion, and
 * `npx stint status` sees the session polling.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { findTemporalBinary, freePort } from "@stint/temporal-workers";
import { DevProcess } from "./harness/dev-process.js";

const exec = promisify(execFile);
const REPO = join(import.meta.dirname, "../..");
const MINUTES = 60_000;
const configHome = mkdtempSync(join(tmpdir(), "stint-user-config-"));

/** The environment of a user's shell: none of this repository's npm/pnpm settings, no platform to connect to. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|TRIGGER_|TEMPORAL_)/i.test(key)) continue;
    env[key] = value;
  }
  // A user config of its own: the test never reads or writes the machine user's ~/.config/stint.
  return { ...env, TEMPORAL_BIN: findTemporalBinary(), XDG_CONFIG_HOME: configHome };
}

let packs: string;
let project: string;
let dev: DevProcess | undefined;

/** Whether any process of this group (npx, the CLI, its Temporal server) is still running. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const npx = (args: string[]) => exec("npx", ["--no-install", "stint", ...args], { cwd: project, env: userEnv() });

beforeAll(async () => {
  packs = mkdtempSync(join(tmpdir(), "stint-packs-"));
  await exec("npm", ["run", "pack", "--", packs], { cwd: REPO, env: userEnv(), maxBuffer: 16 << 20 });
  project = mkdtempSync(join(tmpdir(), "stint-user-project-"));
  expect(relative(REPO, project).startsWith("..")).toBe(true);
  await exec("npm", ["init", "-y"], { cwd: project, env: userEnv() });
  const tarballs = readdirSync(packs)
    .filter((f) => f.endsWith(".tgz"))
    .map((f) => join(packs, f));
  expect(tarballs.map((t) => t.replace(/.*\//, "")).sort()).toEqual(["stint-cli-0.1.0.tgz", "stint-sdk-0.1.0.tgz"]);
  await exec("npm", ["install", "-D", "--prefer-offline", "--no-audit", "--no-fund", ...tarballs], {
    cwd: project,
    env: userEnv(),
    maxBuffer: 16 << 20,
  });
}, 15 * MINUTES);

afterAll(async () => {
  if (dev && groupAlive(dev.child.pid!)) {
    process.kill(-dev.child.pid!, "SIGKILL");
  }
  rmSync(packs, { recursive: true, force: true });
  rmSync(configHome, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
});

it("installs a stint bin that runs the package's built JavaScript, with type declarations", async () => {
  expect(realpathSync(join(project, "node_modules/.bin/stint"))).toBe(
    realpathSync(join(project, "node_modules/@stint/cli/dist/stint.js")),
  );
  for (const file of [
    "@stint/sdk/dist/index.d.ts",
    "@stint/sdk/dist/index.js",
    "@stint/cli/dist/index.d.ts",
    "@stint/cli/dist/engine-workflows.bundle.js",
    "@stint/cli/dist/runner-main.js",
  ]) {
    expect(existsSync(join(project, "node_modules", file)), file).toBe(true);
  }
  // The engine is bundled into the CLI: no workspace package leaks into the install.
  expect(existsSync(join(project, "node_modules/@stint/temporal-workers"))).toBe(false);
  const { stdout } = await npx(["--help"]);
  expect(stdout).toMatch(/dev \[options\]/);
});

it("npx stint login runs from the package and fails with a message that says what to do", async () => {
  const closed = await freePort();
  const login = await npx([
    "login",
    "--api-url",
    `http://127.0.0.1:${closed}`,
    "--token",
    `tr_pat_${"a".repeat(40)}`,
  ]).catch((error: { code: number; stderr: string }) => error);
  expect(login).toMatchObject({ code: 1 });
  expect((login as { stderr: string }).stderr).toContain(`Cannot reach the Stint webapp at http://127.0.0.1:${closed}`);
});

it(
  "npx stint init writes the project, then npx stint dev runs a triggered task to completion and stint status sees it",
  async () => {
    const init = await npx(["init"]);
    expect(init.stdout).toContain("trigger.config.ts");
    expect(existsSync(join(project, "src/trigger/example.ts"))).toBe(true);

    // detached: its own process group, so the test can stop npx, the CLI and its Temporal server together.
    const child = spawn(
      "npx",
      ["--no-install", "stint", "dev", "--no-watch", "--trigger", "hello-world", "--payload", '{"name":"Ada"}'],
      {
        cwd: project,
        env: userEnv(),
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    dev = new DevProcess(child);
    await dev.waitFor("Registered tasks: hello-world", 0, 3 * MINUTES);
    await dev.waitFor('COMPLETED: {"message":"Hello, Ada!"}', 0, 2 * MINUTES);

    const status = await npx(["status"]);
    expect(status.stdout).toContain(`Project:   ${realpathSync(project)}`);
    expect(status.stdout).toMatch(/Queue:\s+stint-dev \(workflows\) — [1-9]\d* poller/);
    expect(status.stdout).toMatch(/Queue:\s+stint-dev \(attempts\) — [1-9]\d* poller/);

    // Ctrl-C in a terminal: SIGINT to the whole process group (npx forwards it to the CLI a second time).
    process.kill(-child.pid!, "SIGINT");
    await dev.waitFor("Stopping", 0, MINUTES).catch(() => undefined);
    for (const deadline = Date.now() + MINUTES; groupAlive(child.pid!); await new Promise((r) => setTimeout(r, 200))) {
      if (Date.now() > deadline) throw new Error(`stint dev did not stop on Ctrl-C:\n${dev.output}`);
    }
    expect(dev.output.match(/Stopping/g)?.length).toBe(1);
  },
  8 * MINUTES,
);

it(
  "npx stint deploy --dry-run builds and indexes the project from the package and prints its manifest",
  async () => {
    const { stdout } = await npx(["deploy", "--dry-run"]);
    expect(stdout).toContain("Dry run: nothing was uploaded.");
    const manifest = JSON.parse(stdout.slice(stdout.indexOf("{")));
    expect(manifest.tasks.map((task: { id: string }) => task.id)).toEqual(["hello-world"]);
    expect(manifest.tasks[0].queue).toEqual({ name: "task/hello-world", concurrencyLimit: null });
    // The versions come from the installed packages' package.json files.
    expect({ sdk: manifest.packageVersion, cli: manifest.cliPackageVersion }).toEqual({ sdk: "0.1.0", cli: "0.1.0" });
  },
  3 * MINUTES,
);
