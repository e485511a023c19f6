/**
 * `stint login`, browser-less, against a real webapp: without a token it prints the dashboard page where to create
 * one; a personal access token is checked with the webapp (`GET /api/v2/whoami`) and kept as a profile in the user's
 * config, readable by the user only; a refused token is never stored; `stint dev` with no webapp settings runs as a
 * session of the logged-in webapp, in the project its trigger.config.ts names (created in the user's organisation),
 * and a run triggered with the real SDK completes there; `stint whoami` checks the stored token again and a revoked
 * one is refused (by `stint dev` too, with the fix); `stint logout` forgets it.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auth, runs, tasks } from "@trigger.dev/sdk";
import { createUser } from "../src/index.js";
import { createAccessToken, revokeAccessToken } from "../src/server/auth/access-tokens.js";
import { DevProcess } from "@stint/cli/testing";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const CLI = join(import.meta.dirname, "../../cli/bin/stint.mjs");
/** Starting `stint dev` (bundling, connecting) took over a minute on a loaded 2-core CI host. */
const START_MS = 240_000;
const exec = promisify(execFile);
const configHome = mkdtempSync(join(tmpdir(), "stint-login-config-"));
const configFile = join(configHome, "stint/config.json");
let t: TestWebapp;
let userId: string;
let token: { id: string; token: string };
let dev: DevProcess | undefined;

/** The environment of a user's shell with no Stint variables set, and a config folder of this test's own. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: configHome };
  for (const key of ["TRIGGER_API_URL", "TRIGGER_SECRET_KEY", "TRIGGER_ACCESS_TOKEN", "TEMPORAL_ADDRESS"])
    delete env[key];
  return env;
}

/** Runs the CLI as a user would in a shell (no terminal on stdin), returning its exit code and output. */
async function stint(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { env: userEnv(), cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A project folder with one task, named by `ref` in its trigger.config.ts, as a Trigger.dev project is. */
function writeProject(ref: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "stint-login-project-")), "login-app");
  mkdirSync(join(dir, "src/trigger"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "login-app", private: true }));
  writeFileSync(
    join(dir, "trigger.config.ts"),
    `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "${ref}", maxDuration: 60 });\n`,
  );
  writeFileSync(
    join(dir, "src/trigger/greet.ts"),
    'import { task } from "@trigger.dev/sdk";\nexport const greet = task({ id: "greet", run: async (p: { name: string }) => `Hello ${p.name}` });\n',
  );
  return dir;
}

beforeAll(async () => {
  t = await startTestWebapp();
  const { organizationId } = await t.webapp.db.project.findUniqueOrThrow({ where: { id: t.project.id } });
  userId = await createUser(t.webapp.db, {
    email: "ada@example.com",
    password: "correct horse battery staple",
    organizationId,
  });
  token = await createAccessToken(t.webapp.db, userId, "laptop");
});

afterAll(async () => {
  if (dev && dev.child.exitCode === null) {
    dev.child.kill("SIGTERM");
    await new Promise((r) => dev!.child.once("exit", r));
  }
  await t?.stop();
});

describe("stint login", () => {
  it("without a token, says where on the dashboard to create one, and stores nothing", async () => {
    const login = await stint(["login", "--api-url", t.webapp.url]);
    expect(login.code).toBe(1);
    expect(login.stderr).toContain(
      `--token is required (no terminal to ask on): create a personal access token at ${t.webapp.url}/access-tokens`,
    );
    expect(existsSync(configFile)).toBe(false);
  });

  it("checks the token with the webapp, then stores it in a profile only the user can read", async () => {
    const login = await stint(["login", "--api-url", t.webapp.url, "--token", token.token]);
    expect(login.stderr).toBe("");
    expect(login.stdout).toContain(
      `Logged in to ${t.webapp.url} as ada@example.com (profile default, saved in ${configFile})`,
    );
    expect(login.code).toBe(0);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(configHome, "stint")).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(readFileSync(configFile, "utf8")) as {
      currentProfile: string;
      profiles: Record<string, { apiUrl: string; accessToken: string; email: string }>;
    };
    expect(stored.currentProfile).toBe("default");
    expect(stored.profiles.default).toMatchObject({
      apiUrl: t.webapp.url,
      accessToken: token.token,
      email: "ada@example.com",
      userId,
    });

    const who = await stint(["whoami"]);
    expect(who.stdout).toMatch(/User:\s+ada@example\.com/);
    expect(who.code).toBe(0);
  });

  it(
    "stint dev with no webapp settings runs as a session of the logged-in webapp, in the project trigger.config.ts names",
    async () => {
      const project = writeProject("proj_login_app");
      dev = new DevProcess(
        spawn(process.execPath, [CLI, "dev", "--no-watch"], {
          cwd: project,
          stdio: ["ignore", "pipe", "pipe"],
          env: userEnv(),
        }),
      );
      await dev.waitFor("Registered tasks: greet", 0, START_MS);
      expect(dev.output.split("\n")[0]).toMatch(
        new RegExp(
          `^stint dev — session of the Stint webapp at ${t.webapp.url}: project proj_login_app \\(login-app\\), environment dev \\(env_[a-z0-9]+\\) \\(found with your login \\(profile default, ada@example\\.com\\)\\)$`,
        ),
      );

      // The project now exists in Ada's organisation; a run triggered with its development key runs in this session.
      const response = await fetch(`${t.webapp.url}/api/v1/projects/proj_login_app/environments/dev`, {
        method: "POST",
        headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
        body: "{}",
      });
      expect(response.status).toBe(200);
      const { apiKey, created } = (await response.json()) as { apiKey: string; created: boolean };
      expect(created).toBe(false);
      const run = await auth.withAuth({ baseURL: t.webapp.url, accessToken: apiKey }, async () =>
        runs.poll((await tasks.trigger("greet", { name: "Ada" })).id, { pollIntervalMs: 200 }),
      );
      expect([run.status, run.output]).toEqual(["COMPLETED", "Hello Ada"]);
      expect(dev.output).toContain(run.id);

      dev.child.kill("SIGTERM");
      await new Promise((r) => dev!.child.once("exit", r));
    },
    START_MS + 120_000,
  );

  it("refuses a token the webapp does not know, a secret key, and a missing flag, and stores nothing", async () => {
    const before = readFileSync(configFile, "utf8");
    const unknown = await stint([
      "login",
      "--api-url",
      t.webapp.url,
      "--token",
      `tr_pat_${"x".repeat(40)}`,
      "--profile",
      "other",
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`The webapp at ${t.webapp.url} refused the token (Invalid personal access token`);

    const secretKey = await stint(["login", "--api-url", t.webapp.url, "--token", t.dev.secretKey]);
    expect(secretKey.code).toBe(1);
    expect(secretKey.stderr).toContain("--token must be a personal access token (tr_pat_…)");

    const noUrl = await stint(["login", "--token", token.token]);
    expect(noUrl.code).toBe(1);
    expect(noUrl.stderr).toContain("--api-url is required (no terminal to ask on)");
    expect(readFileSync(configFile, "utf8")).toBe(before);
  });

  it("a revoked token is refused by whoami and by stint dev, with the fix; logout forgets the login", async () => {
    const second = await createAccessToken(t.webapp.db, userId, "second");
    expect((await stint(["login", "--api-url", t.webapp.url, "--token", second.token, "--profile", "ci"])).code).toBe(
      0,
    );
    await revokeAccessToken(t.webapp.db, userId, second.id);
    const revoked = await stint(["whoami", "--profile", "ci"]);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain("refused the token");

    const devRefused = await stint(["dev", "--no-watch", "--profile", "ci"], writeProject("proj_login_app"));
    expect(devRefused.code).toBe(1);
    expect(devRefused.stderr).toContain("stint dev uses your login (profile ci, ada@example.com)");
    expect(devRefused.stderr).toContain("(401)");
    expect(devRefused.stderr).toContain("run `stint login --profile ci` again, or pass --standalone");

    const unknownProfile = await stint(["dev", "--no-watch", "--profile", "nobody"], writeProject("proj_login_app"));
    expect(unknownProfile.code).toBe(1);
    expect(unknownProfile.stderr).toContain("--profile nobody: no such login");

    expect((await stint(["logout"])).stdout).toContain("Logged out: profile default removed");
    const gone = await stint(["whoami", "--profile", "default"]);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toContain("Not logged in with profile default");
  });
});
