/**
 * `stint deploy` against a real webapp (real PostgreSQL, real Temporal): the CLI bundles and indexes a project
 * (test/fixtures/deploy-project), `--dry-run` prints the manifest, a deploy registers a version that becomes current
 * with its queues and declarative schedules, a build error or a task id clash is refused before anything is uploaded,
 * and an older version can be promoted again. A production run triggered with the real @trigger.dev/sdk 4.8.3 is
 * locked to the current version (or the one it asks for) and its attempt is scheduled on the `workers.default` task
 * queue with that version — checked in the run's Temporal history, since no supervisor polls that queue here (a
 * stand-in registers and heartbeats as one, so the dispatcher admits runs up to its capacity: worker-capacity.test.ts).
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Client, Connection } from "@temporalio/client";
import type { Browser } from "playwright-core";
import { configure, queues, runs, schedules, tasks } from "trigger-sdk-latest";
import { readDeploymentBundle } from "../src/server/deployments/index.js";
import { createAccessToken } from "../src/server/auth/access-tokens.js";
import { createWorkerGroup, rotateWorkerToken } from "../src/server/workers/worker-groups.js";
import { startTestWebapp, useProjectRef, type TestWebapp } from "./harness/index.js";
import { launchChromium } from "./harness/dashboard-browser.js";

const CLI = join(import.meta.dirname, "../../cli/bin/stint.mjs");
const FIXTURE = join(import.meta.dirname, "fixtures/deploy-project");

let t: TestWebapp;
/** What the webapp printed: first boot's admin login among it. */
const printed: string[] = [];
let browser: Browser | undefined;
let connection: Connection;
let temporal: Client;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `stint deploy` in `project` as a user would, with the webapp's URL and (unless `credentials` says otherwise) the
 * production key in its environment.
 */
function deploy(
  project: string,
  args: string[] = [],
  credentials: Record<string, string> = { TRIGGER_SECRET_KEY: t.prod.secretKey },
): Promise<CliResult> {
  return stint("deploy", project, args, credentials);
}

function stint(
  command: string,
  project: string,
  args: string[],
  credentials: Record<string, string>,
): Promise<CliResult> {
  const { TEMPORAL_ADDRESS: _address, TRIGGER_SECRET_KEY: _key, TRIGGER_ACCESS_TOKEN: _token, ...env } = process.env;
  const child = spawn(process.execPath, [CLI, command, ...args], {
    cwd: project,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...env, TRIGGER_API_URL: t.webapp.url, ...credentials },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

function copyFixture(): string {
  const project = join(mkdtempSync(join(tmpdir(), "stint-deploy-")), "project");
  cpSync(FIXTURE, project, { recursive: true, filter: (source) => !source.includes(".stint") });
  useProjectRef(project, t.project.ref);
  return project;
}

async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(new URL(path, t.webapp.url), {
    ...init,
    headers: { authorization: `Bearer ${t.prod.secretKey}`, "content-type": "application/json", ...init.headers },
  });
  return { status: response.status, body: await response.json() };
}

async function deploymentCount(): Promise<number> {
  return (await api("/api/v1/deployments?limit=100")).body.data.length;
}

/** The attempt activity the run scheduled first: its task queue and its input, from the run's Temporal history. */
async function scheduledAttempt(runId: string): Promise<{ taskQueue: string; input: any }> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    const history = await temporal.workflow
      .getHandle(runId)
      .fetchHistory()
      .catch(() => undefined);
    const scheduled = history?.events?.find(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === "runAttempt",
    );
    const attributes = scheduled?.activityTaskScheduledEventAttributes;
    if (attributes) {
      const payload = attributes.input!.payloads![0]!;
      expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe("json/plain");
      return { taskQueue: attributes.taskQueue!.name!, input: JSON.parse(Buffer.from(payload.data!).toString()) };
    }
  }
  throw new Error(`${runId} scheduled no attempt within a minute`);
}

/** Fires the environment's schedule of `daily-digest` now (a Temporal Schedule trigger) and answers the run it started. */
async function fireDigestSchedule(): Promise<string> {
  const listRuns = async () =>
    (await runs.list({ taskIdentifier: "daily-digest", limit: 100 })).data.map((run) => run.id);
  const before = new Set(await listRuns());
  const schedule = (await schedules.list()).data.find((s) => s.task === "daily-digest")!;
  await temporal.schedule.getHandle(schedule.id).trigger();
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    const fired = (await listRuns()).find((id) => !before.has(id));
    if (fired) return fired;
  }
  throw new Error("the schedule started no run within a minute");
}

let project: string;
/** A personal access token of first boot's admin. */
let token: string;
let firstVersion: string;
let secondVersion: string;
let standInHeartbeats: NodeJS.Timeout | undefined;

/** A supervisor of the default group as far as the webapp knows (it registers and heartbeats, and runs nothing). */
async function standInSupervisor(): Promise<void> {
  const group = await t.webapp.db.workerGroup.findUniqueOrThrow({ where: { name: "default" } });
  const { token } = await rotateWorkerToken(t.webapp.db, group.id);
  const call = (path: string, body: unknown) =>
    fetch(`${t.webapp.url}/api/v1/worker/servers${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  expect((await call("", { name: "stand-in", capacity: 100, executor: "process" })).status).toBe(200);
  standInHeartbeats = setInterval(() => void call("/stand-in/heartbeat", { running: 0 }).catch(() => {}), 2_000);
}

beforeAll(async () => {
  // The dashboard too (its Deployments page), with first boot's admin, whose organisation the test's project joins.
  t = await startTestWebapp({ ui: true, bootstrap: true, log: (line) => printed.push(line) });
  configure({ baseURL: t.webapp.url, accessToken: t.prod.secretKey });
  connection = await Connection.connect({ address: inject("temporalAddress") });
  temporal = new Client({ connection });
  project = copyFixture();
  await standInSupervisor();
}, 120_000);

afterAll(async () => {
  clearInterval(standInHeartbeats);
  await browser?.close();
  await connection?.close();
  await t?.stop();
});

describe("stint deploy", () => {
  it("--dry-run prints the manifest (tasks with queue, retry, machine, maxDuration, schedule; queues) and uploads nothing", async () => {
    const result = await deploy(project, ["--dry-run"]);
    expect(result.code, result.stderr).toBe(0);
    const manifest = JSON.parse(result.stdout.slice(result.stdout.indexOf("{")));
    expect(manifest.tasks.map((task: { id: string }) => task.id)).toEqual([
      "daily-digest",
      "deployed-hello",
      "send-email",
    ]);
    const sendEmail = manifest.tasks.find((task: { id: string }) => task.id === "send-email");
    expect(sendEmail).toMatchObject({
      filePath: "src/trigger/emails.ts",
      queue: { name: "emails", concurrencyLimit: 2 },
      retry: { maxAttempts: 4, outOfMemory: { machine: "large-1x" } },
      machine: { preset: "medium-1x" },
      maxDuration: 60,
    });
    // The config's default machine applies to tasks without their own.
    expect(manifest.tasks.find((task: { id: string }) => task.id === "deployed-hello").machine).toEqual({
      preset: "small-2x",
    });
    expect(manifest.tasks.find((task: { id: string }) => task.id === "daily-digest").schedule).toEqual({
      cron: "0 7 * * *",
      timezone: "Europe/Paris",
    });
    expect(manifest.queues).toContainEqual({
      name: "emails",
      type: "custom",
      concurrencyLimit: 2,
      tasks: ["send-email"],
    });
    expect(manifest.maxDuration).toBe(300);
    // The config asks for the host's network: supervisors give the version's containers that one instead of none.
    expect(manifest.network).toBe("host");
    expect(await deploymentCount()).toBe(0);
  }, 180_000);

  it("deploys a version that becomes current, with its queues and declarative schedules registered", async () => {
    const result = await deploy(project);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const today = new Date().toISOString().slice(0, 10).replaceAll("-", "");
    expect(result.stdout).toMatch(new RegExp(`Version ${today}\\.1 \\(\\w{8}\\)`));
    expect(result.stdout).toContain("Uploading the bundle");
    expect(result.stdout).toContain(`Deployed version ${today}.1 to production: new runs start on it.`);
    firstVersion = `${today}.1`;

    const latest = (await api("/api/v1/deployments/latest")).body;
    expect(latest).toMatchObject({ version: firstVersion, status: "DEPLOYED", isCurrent: true });
    expect(latest.createdBy).toMatch(/secret key …\w{4}/);
    const detail = (await api(`/api/v1/deployments/${latest.id}`)).body;
    expect(detail.worker.tasks.map((task: { slug: string }) => task.slug)).toEqual([
      "daily-digest",
      "deployed-hello",
      "send-email",
    ]);

    // The declarative schedule and the shared queue exist for production now.
    const listed = await schedules.list();
    expect(
      listed.data.map((s) => ({ task: s.task, type: s.type, cron: s.generator.expression, timezone: s.timezone })),
    ).toEqual([{ task: "daily-digest", type: "DECLARATIVE", cron: "0 7 * * *", timezone: "Europe/Paris" }]);
    const emails = await queues.retrieve({ type: "custom", name: "emails" });
    expect(emails.concurrencyLimit).toBe(2);
    // A firing of the schedule starts a run of the current version.
    const fired = await fireDigestSchedule();
    expect((await runs.retrieve(fired)).version).toBe(firstVersion);
    expect((await scheduledAttempt(fired)).input.info.version).toBe(firstVersion);

    // The bundle a supervisor gets: the build's files, its task files among them.
    const bundle = await readDeploymentBundle(
      { db: t.webapp.db, packets: { store: t.webapp.objectStore } },
      t.prod.id,
      firstVersion,
    );
    expect(bundle?.entries.map((entry) => entry.source)).toEqual(
      expect.arrayContaining(["src/trigger/emails.ts", "src/trigger/hello.ts"]),
    );
    const files = new Set(bundle!.files.map((file) => file.path));
    for (const entry of bundle!.entries) expect(files.has(entry.file)).toBe(true);
    expect(bundle!.files.find((file) => file.path === bundle!.configFile)?.contents).toContain(t.project.ref);
    expect(bundle!.manifest.tasks).toHaveLength(3);
    expect(bundle!.manifest.network).toBe("host");
  }, 180_000);

  it("refuses a build error and a task id clash before uploading anything", async () => {
    const before = await deploymentCount();

    const broken = copyFixture();
    writeFileSync(
      join(broken, "src/trigger/broken.ts"),
      'import { task } from "@trigger.dev/sdk";\nexport const oops = task({ id: "oops", run: async () => { return 1 +; } });\n',
    );
    const buildError = await deploy(broken);
    expect(buildError.code).toBe(1);
    expect(buildError.stderr).toContain("The build failed, nothing was deployed");
    expect(buildError.stderr).toMatch(/broken\.ts:2:\d+/);

    const clash = copyFixture();
    writeFileSync(
      join(clash, "src/trigger/again.ts"),
      'import { task } from "@trigger.dev/sdk";\nexport const again = task({ id: "deployed-hello", run: async () => "again" });\n',
    );
    const clashed = await deploy(clash);
    expect(clashed.code).toBe(1);
    expect(clashed.stderr).toContain(
      'task id "deployed-hello" is defined more than once (src/trigger/again.ts, src/trigger/hello.ts)',
    );

    const otherProject = copyFixture();
    useProjectRef(otherProject, "proj_someone_else");
    const wrongProject = await deploy(otherProject);
    expect(wrongProject.code).toBe(1);
    expect(wrongProject.stderr).toContain(
      `projectRef: this secret key belongs to project ${t.project.ref}, but trigger.config.ts names project proj_someone_else`,
    );

    const wrongKey = await deploy(project, ["--env", "staging"]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain(
      "--env staging needs a staging secret key (tr_stg_…); this one is for production",
    );

    expect(await deploymentCount()).toBe(before);
  }, 240_000);

  it("locks each production run to the current version and schedules its attempt on workers.default with it", async () => {
    const handle = await tasks.trigger("deployed-hello", { name: "Ada" });
    const run = await runs.retrieve(handle.id);
    expect(run.version).toBe(firstVersion);
    const attempt = await scheduledAttempt(handle.id);
    expect(attempt.taskQueue).toBe("workers.default");
    expect(attempt.input.info.version).toBe(firstVersion);
    expect(attempt.input.info.item.task).toBe("deployed-hello");
  }, 120_000);

  it("a newer deploy becomes current; promoting the older one makes new runs start on it again; lockToVersion picks a version", async () => {
    writeFileSync(
      join(project, "src/trigger/hello.ts"),
      'import { task } from "@trigger.dev/sdk";\nexport const hello = task({ id: "deployed-hello", run: async (payload: { name: string }) => `Hi ${payload.name}` });\n',
    );
    const result = await deploy(project);
    expect(result.code, result.stderr).toBe(0);
    secondVersion = (await api("/api/v1/deployments/latest")).body.version;
    expect(secondVersion).toBe(firstVersion.replace(/\.1$/, ".2"));

    expect((await scheduledAttempt(await fireDigestSchedule())).input.info.version).toBe(secondVersion);
    const onSecond = await tasks.trigger("deployed-hello", { name: "Bo" });
    expect((await scheduledAttempt(onSecond.id)).input.info.version).toBe(secondVersion);

    const promoted = await api(`/api/v1/deployments/${firstVersion}/promote`, { method: "POST" });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ version: firstVersion });
    const list = (await api("/api/v1/deployments")).body.data;
    expect(list.map((d: { version: string; isCurrent: boolean }) => [d.version, d.isCurrent])).toEqual([
      [secondVersion, false],
      [firstVersion, true],
    ]);

    // The schedule follows the current version: a deploy and a promote both move its firings.
    expect((await scheduledAttempt(await fireDigestSchedule())).input.info.version).toBe(firstVersion);

    const afterPromote = await tasks.trigger("deployed-hello", { name: "Cy" });
    expect((await runs.retrieve(afterPromote.id)).version).toBe(firstVersion);
    expect((await scheduledAttempt(afterPromote.id)).input.info.version).toBe(firstVersion);

    // A replay runs the version its original ran, not the current one.
    const replayed = await runs.replay(onSecond.id);
    expect((await runs.retrieve(replayed.id)).version).toBe(secondVersion);
    expect((await scheduledAttempt(replayed.id)).input.info.version).toBe(secondVersion);

    // The SDK's `version` option (lockToVersion on the wire) picks a deployed version; an unknown one is a 400.
    const pinned = await tasks.trigger("deployed-hello", { name: "Di" }, { version: secondVersion });
    expect((await scheduledAttempt(pinned.id)).input.info.version).toBe(secondVersion);
    await expect(tasks.trigger("deployed-hello", { name: "Ed" }, { version: "20200101.9" })).rejects.toThrow(
      /lockToVersion: this environment has no deployed version "20200101\.9"/,
    );

    // A development key cannot deploy or promote.
    const devPromote = await fetch(new URL(`/api/v1/deployments/${firstVersion}/promote`, t.webapp.url), {
      method: "POST",
      headers: { authorization: `Bearer ${t.dev.secretKey}` },
    });
    expect(devPromote.status).toBe(403);
  }, 300_000);

  it("with a personal access token (stint login) instead of a key: the webapp hands over the environment's key, and the deploy is the user's", async () => {
    const admin = await t.webapp.db.user.findUniqueOrThrow({ where: { email: "admin@localhost" } });
    ({ token } = await createAccessToken(t.webapp.db, admin.id, "deploy test"));
    // A project the token creates (stint dev does so) has its keys sealed, so they can be handed out.
    const created = await fetch(new URL("/api/v1/projects/proj_pat_deploy/environments/dev", t.webapp.url), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(created.status).toBe(200);
    const patProject = copyFixture();
    useProjectRef(patProject, "proj_pat_deploy");
    const result = await deploy(patProject, [], { TRIGGER_ACCESS_TOKEN: token });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain("Deploying proj_pat_deploy to production");
    expect(result.stdout).toContain("with your access token");
    const patRow = await t.webapp.db.project.findUniqueOrThrow({
      where: { ref: "proj_pat_deploy" },
      include: { environments: true },
    });
    const prodEnv = patRow.environments.find((env) => env.type === "PRODUCTION")!;
    const deployment = await t.webapp.db.deployment.findFirstOrThrow({ where: { environmentId: prodEnv.id } });
    expect(deployment).toMatchObject({
      status: "DEPLOYED",
      createdBy: expect.stringMatching(/^admin@localhost \(secret key …\w{4}\)$/),
    });

    // A key kept only as a hash (the test's project was created without sealing its keys, and its staging key never
    // authenticated, which seals it): the fix is named.
    const unsealed = await deploy(project, ["--env", "staging"], { TRIGGER_ACCESS_TOKEN: token });
    expect(unsealed.code).toBe(1);
    expect(unsealed.stderr).toContain("The staging secret key of project");
    expect(unsealed.stderr).toContain(
      "is stored only as a hash, so it cannot be handed out: rotate it once on the dashboard",
    );
    // Neither a key nor a token nor a login: the message says what to set.
    const nothing = await deploy(project, [], {});
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain("stint deploy needs the production secret key");
  }, 240_000);

  it("the dashboard's Deployments page lists the versions (tasks, status, who, when) and promotes one", async () => {
    const login = printed.map((line) => /Admin login:\s+(\S+) \/ (\S+)/.exec(line)).find(Boolean);
    if (!login) throw new Error(`first boot printed no admin login:\n${printed.join("\n")}`);
    browser = await launchChromium();
    const page = await browser.newPage();
    page.on("dialog", (dialog) => void dialog.accept());
    await page.goto(`${t.webapp.url}/login`);
    await page.getByLabel("Email").fill(login[1]!);
    await page.getByLabel("Password").fill(login[2]!);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL("**/runs");

    await page.goto(`${t.webapp.url}/deployments?env=${t.prod.id}`);
    const first = page.locator(`tr[data-version="${firstVersion}"]`);
    const second = page.locator(`tr[data-version="${secondVersion}"]`);
    await first.getByTestId("current-badge").waitFor({ timeout: 30_000 });
    for (const row of [first, second]) {
      await row.getByText("DEPLOYED", { exact: true }).waitFor();
      await row.getByText("daily-digest, deployed-hello, send-email").waitFor();
      await row.getByText(/secret key …\w{4}/).waitFor();
    }
    // Only a version that is not current can be promoted.
    expect(await first.getByRole("button", { name: "Promote" }).count()).toBe(0);
    await second.getByRole("button", { name: "Promote" }).click();
    await second.getByTestId("current-badge").waitFor({ timeout: 30_000 });
    await page.getByTestId("current-deployment").getByText(`made current by ${login[1]}`).waitFor();
    mkdirSync(join(import.meta.dirname, "../test-screenshots"), { recursive: true });
    await page.screenshot({ path: join(import.meta.dirname, "../test-screenshots/deployments.png"), fullPage: true });

    const list = (await api("/api/v1/deployments")).body.data;
    expect(list.map((d: { version: string; isCurrent: boolean }) => [d.version, d.isCurrent])).toEqual([
      [secondVersion, true],
      [firstVersion, false],
    ]);
    const next = await tasks.trigger("deployed-hello", { name: "Fay" });
    expect((await runs.retrieve(next.id)).version).toBe(secondVersion);
    // The run's page names the version it is locked to.
    await page.goto(`${t.webapp.url}/runs/${next.id}?env=${t.prod.id}`);
    expect(await page.getByTestId("run-version").textContent({ timeout: 30_000 })).toBe(secondVersion);
  }, 180_000);

  it("stint status shows each deployed environment's current version, queue depths and worker servers (with a personal access token), also as JSON", async () => {
    const credentials = { TRIGGER_ACCESS_TOKEN: token };
    // A worker server registered as a supervisor registers (no supervisor polls here: production runs stay queued).
    const group = await createWorkerGroup(t.webapp.db, "status-check");
    const registered = await fetch(`${t.webapp.url}/api/v1/worker/servers`, {
      method: "POST",
      headers: { authorization: `Bearer ${group.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "status-worker", capacity: 6, executor: "docker" }),
    });
    expect(registered.status).toBe(200);
    // It heartbeats as a supervisor does (else it shows Disconnected 30 s later), one attempt running.
    const heartbeat = () =>
      fetch(`${t.webapp.url}/api/v1/worker/servers/status-worker/heartbeat`, {
        method: "POST",
        headers: { authorization: `Bearer ${group.token}`, "content-type": "application/json" },
        body: JSON.stringify({ running: 1, versions: [] }),
      }).then((response) => expect(response.status).toBe(200));
    await heartbeat();
    const heartbeats = setInterval(() => void heartbeat().catch(() => undefined), 2_000);
    try {
      // The runs triggered above wait on workers.default: the run index shows them queued (it catches up in the background).
      await expect
        .poll(
          async () => {
            const fleet = JSON.parse((await stint("status", project, ["--json"], credentials)).stdout);
            return fleet.queues.find(
              (queue: { environmentType: string; name: string }) =>
                queue.environmentType === "PRODUCTION" && queue.name === "deployed-hello",
            )?.queued;
          },
          { timeout: 60_000, interval: 1_000 },
        )
        .toBeGreaterThanOrEqual(1);
      const text = await stint("status", project, [], credentials);
      expect(text.stdout).toMatch(/Queue:     production\s+deployed-hello — [1-9]\d* queued, 0\/25 running/);
      expect(text.stdout).toMatch(/Queue:     production\s+emails — 0 queued, 0\/2 running/);
      expect(text.stdout).toMatch(
        /Worker:    status-check\/status-worker Connected, 1\/6 running \(docker\), last heartbeat \S+/,
      );
      // No dev session in this project: that part says so and the exit code is about it.
      expect(text.code).toBe(1);
      expect(text.stdout).toContain("No stint dev session recorded");
      expect(text.stdout).toMatch(
        new RegExp(
          `Deployed:  production\\s+${secondVersion.replace(".", "\\.")} \\(\\w{8}, 3 task\\(s\\)\\), current since \\S+ \\(admin@localhost\\)`,
        ),
      );
      expect(text.stdout).toMatch(/Deployed:  staging\s+nothing deployed yet/);

      const json = JSON.parse((await stint("status", project, ["--json"], credentials)).stdout);
      expect(json.devSession).toMatchObject({ recorded: false, healthy: false });
      const production = json.deployments.environments.find((env: { type: string }) => env.type === "PRODUCTION");
      expect(production.current).toMatchObject({
        version: secondVersion,
        status: "DEPLOYED",
        tasks: 3,
        promotedBy: "admin@localhost",
      });
      expect(production.latest.version).toBe(secondVersion);
      expect(json.workers).toContainEqual(
        expect.objectContaining({
          group: "status-check",
          name: "status-worker",
          connected: true,
          running: 1,
          capacity: 6,
        }),
      );
      expect(json.queues).toContainEqual(
        expect.objectContaining({
          environmentType: "PRODUCTION",
          name: "emails",
          queued: 0,
          running: 0,
          concurrencyLimit: 2,
        }),
      );
    } finally {
      clearInterval(heartbeats);
    }

    // Without a token or a login it says how to get one.
    const anonymous = await stint("status", project, [], {});
    expect(anonymous.stdout).toContain("Deployed:  run `stint login`");
  }, 120_000);
});
