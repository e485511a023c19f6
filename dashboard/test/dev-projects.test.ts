/**
 * Each `stint dev` works in the project its trigger.config.ts names, as in Trigger.dev: with the personal access token
 * first boot wrote, it finds or creates that project and runs as a session of its development environment, so two
 * projects that both have `hello-world` and `send-email` never run each other's code. A secret key of another project
 * is refused, naming both refs and the fix. Inside one environment, two sessions that register one task with
 * different code are both warned (terminals and the Workers page) and runs go to the newest.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auth, runs, tasks } from "@trigger.dev/sdk";
import { DevProcess } from "@stint/cli/testing";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const CLI = join(import.meta.dirname, "../../cli/bin/stint.mjs");
/** Starting `stint dev` (bundling, connecting) took over a minute on a loaded 2-core CI host. */
const START_MS = 240_000;
const TEST_MS = 600_000;
const root = mkdtempSync(join(tmpdir(), "stint-projects-"));
const printed: string[] = [];
const sessions: DevProcess[] = [];
let t: TestWebapp;
let accessToken: string;
let adminCookie: string;

/** A project folder whose two tasks answer with `label`, so a run shows whose code ran it. */
function writeProject(name: string, ref: string, label: string, taskIds = ["hello-world", "send-email"]): string {
  const dir = join(root, name);
  mkdirSync(join(dir, "src/trigger"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true }));
  writeFileSync(
    join(dir, "trigger.config.ts"),
    `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "${ref}", maxDuration: 60 });\n`,
  );
  const tasksCode = taskIds
    .map(
      (id, i) =>
        `export const t${i} = task({ id: "${id}", run: async (p: { n: number }) => "${label}:${id}:" + p.n });`,
    )
    .join("\n");
  writeFileSync(join(dir, "src/trigger/tasks.ts"), `import { task } from "@trigger.dev/sdk";\n${tasksCode}\n`);
  return dir;
}

/** `stint dev` in `cwd` with `env` over a shell that has no Stint settings of its own. */
function startDev(cwd: string, env: Record<string, string>): DevProcess {
  const {
    TEMPORAL_ADDRESS: _a,
    TRIGGER_API_URL: _b,
    TRIGGER_SECRET_KEY: _c,
    TRIGGER_ACCESS_TOKEN: _d,
    ...rest
  } = process.env;
  const session = new DevProcess(
    spawn(process.execPath, [CLI, "dev", "--no-watch"], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...rest, ...env },
    }),
  );
  sessions.push(session);
  return session;
}

async function stop(session: DevProcess): Promise<void> {
  if (session.child.exitCode !== null) return;
  session.child.kill("SIGTERM");
  await new Promise((r) => session.child.once("exit", r));
}

async function devKeyOf(ref: string): Promise<{ apiKey: string; environment: { id: string } }> {
  const response = await fetch(`${t.webapp.url}/api/v1/projects/${ref}/environments/dev`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: "{}",
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { apiKey: string; environment: { id: string } };
}

/** Triggers `taskId` with the real SDK under `secretKey`; returns the run's id. */
async function triggerAs(secretKey: string, taskId: string, n: number): Promise<string> {
  // withAuth swaps the SDK's global configuration while `fn` runs: calls under two keys must not overlap.
  return auth.withAuth(
    { baseURL: t.webapp.url, accessToken: secretKey },
    async () => (await tasks.trigger(taskId, { n })).id,
  );
}

async function finishedRun(secretKey: string, runId: string) {
  return auth.withAuth({ baseURL: t.webapp.url, accessToken: secretKey }, () =>
    runs.poll(runId, { pollIntervalMs: 200 }),
  );
}

async function runOf(secretKey: string, taskId: string, n: number) {
  return finishedRun(secretKey, await triggerAs(secretKey, taskId, n));
}

async function uiApi(path: string) {
  const response = await fetch(`${t.webapp.url}/ui-api${path}`, { headers: { cookie: adminCookie } });
  return (await response.json()) as Record<string, any>;
}

beforeAll(async () => {
  t = await startTestWebapp({ bootstrap: true, log: (line) => printed.push(line) });
  accessToken = t.webapp.bootstrap!.accessToken!;
  const login = printed.map((line) => /Admin login:\s+(\S+) \/ (\S+)/.exec(line)).find(Boolean)!;
  const response = await fetch(`${t.webapp.url}/ui-api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: login[1], password: login[2] }),
  });
  adminCookie = response.headers.get("set-cookie")!.split(";")[0]!;
});

afterAll(async () => {
  await Promise.all(sessions.map(stop));
  await t?.stop();
});

describe("projects in stint dev", () => {
  let alpha: DevProcess;
  let alphaKey: string;

  it(
    "an access token makes each project its own: the same task ids in two projects never take each other's runs",
    async () => {
      expect(accessToken).toMatch(/^tr_pat_[a-z0-9]{40}$/);
      alpha = startDev(writeProject("alpha", "proj_alpha_app", "alpha"), {
        TRIGGER_API_URL: t.webapp.url,
        TRIGGER_ACCESS_TOKEN: accessToken,
      });
      // This one keeps its settings in its own .env, as a Trigger.dev project would.
      const betaDir = writeProject("beta", "proj_beta_app", "beta");
      writeFileSync(join(betaDir, ".env"), `TRIGGER_API_URL=${t.webapp.url}\nTRIGGER_ACCESS_TOKEN=${accessToken}\n`);
      const beta = startDev(betaDir, {});
      await alpha.waitFor("Registered tasks: hello-world, send-email", 0, START_MS);
      await beta.waitFor("Registered tasks: hello-world, send-email", 0, START_MS);
      expect(alpha.output.split("\n")[0]).toMatch(
        new RegExp(
          `^stint dev — session of the Stint webapp at ${t.webapp.url}: project proj_alpha_app \\(alpha\\), environment dev \\(env_[a-z0-9]+\\) \\(found with your access token\\)$`,
        ),
      );
      expect(alpha.output).toContain("Created project proj_alpha_app in organisation Default");

      const [alphaEnv, betaEnv] = [await devKeyOf("proj_alpha_app"), await devKeyOf("proj_beta_app")];
      alphaKey = alphaEnv.apiKey;
      expect(alphaEnv.environment.id).not.toBe(betaEnv.environment.id);
      for (let n = 0; n < 4; n++) {
        // Both runs wait at once; their polls take turns (see triggerAs).
        const [aId, bId] = [
          await triggerAs(alphaEnv.apiKey, "hello-world", n),
          await triggerAs(betaEnv.apiKey, "hello-world", n),
        ];
        const [a, b] = [await finishedRun(alphaEnv.apiKey, aId), await finishedRun(betaEnv.apiKey, bId)];
        expect([a.status, a.output]).toEqual(["COMPLETED", `alpha:hello-world:${n}`]);
        expect([b.status, b.output]).toEqual(["COMPLETED", `beta:hello-world:${n}`]);
        expect(alpha.output).toContain(a.id);
        expect(alpha.output).not.toContain(b.id);
        expect(beta.output).toContain(b.id);
        expect(beta.output).not.toContain(a.id);
      }
      // The example keeps its own project: its key sees none of these runs.
      const example = await auth.withAuth(
        { baseURL: t.webapp.url, accessToken: t.webapp.bootstrap!.devSecretKey! },
        () => runs.list({ taskIdentifier: "hello-world" }),
      );
      expect(example.data).toHaveLength(0);
      await stop(beta);
    },
    TEST_MS,
  );

  it("the dashboard's project switcher lists the new projects beside the example", async () => {
    const me = await uiApi("/me");
    const refs = me.organizations.flatMap((o: { projects: { ref: string }[] }) => o.projects.map((p) => p.ref)).sort();
    expect(refs).toEqual(expect.arrayContaining(["proj_alpha_app", "proj_beta_app", "proj_hello_world"]));
  });

  it(
    "a secret key of another project is refused, naming both refs and how to fix it",
    async () => {
      const wrong = startDev(writeProject("gamma", "proj_gamma_app", "gamma"), {
        TRIGGER_API_URL: t.webapp.url,
        TRIGGER_SECRET_KEY: t.webapp.bootstrap!.devSecretKey!,
      });
      await new Promise((r) => wrong.child.once("exit", r));
      expect(wrong.child.exitCode).toBe(1);
      expect(wrong.output).toContain(
        "this secret key belongs to project proj_hello_world, but trigger.config.ts names project proj_gamma_app",
      );
      expect(wrong.output).toContain("TRIGGER_ACCESS_TOKEN");
      expect(await t.webapp.db.project.count({ where: { ref: "proj_gamma_app" } })).toBe(0);
    },
    TEST_MS,
  );

  it("project resolution needs a valid personal access token and a project ref", async () => {
    const post = (ref: string, bearer: string) =>
      fetch(`${t.webapp.url}/api/v1/projects/${ref}/environments/dev`, {
        method: "POST",
        headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
        body: "{}",
      });
    const withKey = await post("proj_alpha_app", alphaKey);
    expect(withKey.status).toBe(401);
    expect(((await withKey.json()) as { error: string }).error).toMatch(/needs a personal access token.*Access tokens/);
    expect((await post("not-a-ref", accessToken)).status).toBe(400);

    const created = await fetch(`${t.webapp.url}/ui-api/access-tokens`, {
      method: "POST",
      headers: { cookie: adminCookie, "content-type": "application/json" },
      body: JSON.stringify({ name: "laptop" }),
    });
    const { id, token } = (await created.json()) as { id: string; token: string };
    expect((await post("proj_alpha_app", token)).status).toBe(200);
    const listed = await uiApi("/access-tokens");
    expect(JSON.stringify(listed)).not.toContain(token);
    await fetch(`${t.webapp.url}/ui-api/access-tokens/${id}/revoke`, {
      method: "POST",
      headers: { cookie: adminCookie, "content-type": "application/json" },
      body: "{}",
    });
    expect((await post("proj_alpha_app", token)).status).toBe(401);
  });

  it(
    "two sessions with different code for one task in one environment are both warned, and runs go to the newest",
    async () => {
      const newer = startDev(writeProject("alpha-copy", "proj_alpha_app", "alpha-copy", ["hello-world"]), {
        TRIGGER_API_URL: t.webapp.url,
        TRIGGER_ACCESS_TOKEN: accessToken,
      });
      await newer.waitFor("Registered tasks: hello-world", 0, START_MS);
      expect(newer.output).toMatch(
        /⚠ hello-world: also registered, with different code, by dev session session_\w+ \(.*alpha, started .*\) in the same environment\. Their runs now come to this session \(the newest\)\./,
      );
      // The older session hears it with its next heartbeat.
      await alpha.waitFor(
        /⚠ hello-world: now registered, with different code, by a newer dev session session_\w+ \(.*alpha-copy/,
        0,
        60_000,
      );

      const env = (await devKeyOf("proj_alpha_app")).environment.id;
      const workers = await uiApi(`/environments/${env}/workers`);
      const clashes = workers.sessions
        .flatMap((s: { clashes: { task: string; servedBy: string }[] }) =>
          s.clashes.map((c) => `${c.task}:${c.servedBy}`),
        )
        .sort();
      expect(clashes).toEqual(["hello-world:other", "hello-world:this"]);

      expect((await runOf(alphaKey, "hello-world", 10)).output).toBe("alpha-copy:hello-world:10");
      expect((await runOf(alphaKey, "send-email", 11)).output).toBe("alpha:send-email:11");

      await stop(newer);
      expect((await runOf(alphaKey, "hello-world", 12)).output).toBe("alpha:hello-world:12");
    },
    TEST_MS,
  );
});
