/**
 * `npm start` (start-platform.ts, as a real process on free ports) survives its parts dying: a Temporal server killed
 * with SIGKILL comes back on the same port with its state, runs triggered before and after complete, a `stint dev`
 * session that loses Temporal says so once, shows up as cut off on the Workers page's data, reconnects by itself and
 * runs new triggers; the example session is restarted when it crashes; Ctrl-C prints "Stopping…" once and stops
 * everything; and a Temporal server that cannot come back makes the platform exit with a clear message.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "dotenv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, runs, tasks } from "@trigger.dev/sdk";
import { freePort } from "@stint/temporal-workers";
import { createDatabase, type Database } from "../src/index.js";
import { createTestDatabase } from "./harness/index.js";

const DASHBOARD = fileURLToPath(new URL("..", import.meta.url));
const REPO = fileURLToPath(new URL("../..", import.meta.url));
const CLI = fileURLToPath(new URL("../../cli/bin/stint.mjs", import.meta.url));
const FIXTURE = fileURLToPath(new URL("../../cli/test/fixtures/dev-project", import.meta.url));

/** A child process whose output the test waits on. */
class Watched {
  output = "";
  readonly exited: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    child.stdout!.on("data", (c: Buffer) => (this.output += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (this.output += c.toString()));
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }
  /** Waits for `text` after position `from`; returns the position after it. */
  async waitFor(text: string | RegExp, from = 0, timeoutMs = 300_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.output.slice(from);
      const match =
        typeof text === "string"
          ? rest.includes(text)
            ? { index: rest.indexOf(text), length: text.length }
            : undefined
          : (() => {
              const m = text.exec(rest);
              return m ? { index: m.index, length: m[0].length } : undefined;
            })();
      if (match) return from + match.index + match.length;
      if (this.child.exitCode !== null)
        throw new Error(`process exited (${this.child.exitCode}) before ${text}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${text}:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

interface Platform extends Watched {
  dataDir: string;
  temporalPort: number;
  apiUrl: string;
}

/** A platform on free ports; `again` starts one on the data folder and webapp port of an earlier one. */
async function startPlatform(options: { example: boolean; databaseUrl?: string; again?: Platform }): Promise<Platform> {
  const dataDir = options.again?.dataDir ?? mkdtempSync(join(tmpdir(), "stint-platform-"));
  const [web, temporalPort, ui] = [
    options.again ? Number(new URL(options.again.apiUrl).port) : await freePort(),
    await freePort(),
    await freePort(),
  ];
  // What npm start runs: the webapp and the CLI bundled to JavaScript (scripts/bundle-entry.mjs), without tsx.
  const [platformBundle, cliBundle] = execFileSync(
    process.execPath,
    ["scripts/bundle-entry.mjs", "dashboard/src/cli/start-platform.ts", "start-platform", "cli/src/main.ts", "stint"],
    { cwd: REPO, encoding: "utf8" },
  )
    .trim()
    .split("\n");
  const child = spawn(process.execPath, ["--enable-source-maps", platformBundle!], {
    cwd: DASHBOARD,
    env: {
      ...process.env,
      STINT_CLI_BUNDLE: cliBundle,
      PORT: String(web),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(ui),
      STINT_DATA_DIR: dataDir,
      STINT_EXAMPLE: options.example ? "on" : "off",
      STINT_UI: "off",
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const platform = Object.assign(new Watched(child), { dataDir, temporalPort, apiUrl: `http://127.0.0.1:${web}` });
  try {
    await platform.waitFor("Ctrl-C stops everything.", 0, 600_000);
  } catch (error) {
    child.kill("SIGTERM");
    throw error;
  }
  return platform;
}

const temporalPid = (platform: Platform) => Number(readFileSync(join(platform.dataDir, "temporal.pid"), "utf8"));

function childrenOf(pid: number): { pid: number; args: string }[] {
  const found: { pid: number; args: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid)
        found.push({ pid: Number(entry), args: readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ") });
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function completed(runId: string) {
  return until(`run ${runId} to complete`, async () => {
    const run = await runs.retrieve(runId);
    return run.status === "COMPLETED" ? run : undefined;
  });
}

describe("a supervised platform", () => {
  let platform: Platform;
  let session: Watched;
  let sessionProject: string;
  let databaseUrl: string;
  let db: Database;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    db = createDatabase(databaseUrl);
    platform = await startPlatform({ example: true, databaseUrl });
    // As a user would: `source .stint/dev.env`, then `stint dev` in their project (its own project, proj_cli_fixture).
    const accessToken = parse(readFileSync(join(platform.dataDir, "dev.env"))).TRIGGER_ACCESS_TOKEN!;
    const project = (sessionProject = join(mkdtempSync(join(tmpdir(), "stint-platform-session-")), "project"));
    cpSync(FIXTURE, project, { recursive: true });
    const { TRIGGER_SECRET_KEY: _unused, ...shell } = process.env;
    session = new Watched(
      spawn(process.execPath, [CLI, "dev", "--no-watch"], {
        cwd: project,
        env: { ...shell, TRIGGER_API_URL: platform.apiUrl, TRIGGER_ACCESS_TOKEN: accessToken },
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    await session.waitFor("Registered tasks: greet, shout", 0, 600_000);
    await platform.waitFor("Registered tasks:", 0, 600_000); // the example session too
    // A start is quiet: nothing the platform does by design reads as a warning.
    const warnings = platform.output.split("\n").filter((line) => /\[WARN\]/.test(line));
    expect(warnings, platform.output).toEqual([]);
    // The fixture project's development key (what the session found with the token) triggers its tasks.
    const resolved = await fetch(`${platform.apiUrl}/api/v1/projects/proj_cli_fixture/environments/dev`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}` },
    });
    configure({ baseURL: platform.apiUrl, accessToken: ((await resolved.json()) as { apiKey: string }).apiKey });
  }, 1_200_000);

  afterAll(async () => {
    session?.child.kill("SIGTERM");
    if (platform && platform.child.exitCode === null) {
      platform.child.kill("SIGTERM");
      await platform.exited;
    }
    await db?.$disconnect();
  });

  it("prints every address it listens on", () => {
    expect(platform.output).toContain(`Temporal gRPC:  127.0.0.1:${platform.temporalPort}  (TEMPORAL_PORT)`);
    expect(platform.output).toMatch(
      /Temporal UI:\s+http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows\s+\(TEMPORAL_UI_PORT\)/,
    );
    expect(platform.output).toContain(`API:            ${platform.apiUrl}`);
  });

  it("restarts a Temporal server killed with SIGKILL on the same port and state; runs before and after complete", {
    timeout: 600_000,
  }, async () => {
    const first = await tasks.trigger("greet", { name: "before" });
    expect((await completed(first.id)).output).toMatchObject({ text: "Hello before" });

    const pid = temporalPid(platform);
    const inFlight = await tasks.trigger("greet", { name: "in flight" });
    const mark = platform.output.length;
    process.kill(pid, "SIGKILL");
    await platform.waitFor("The Temporal server was killed (SIGKILL)", mark);
    await platform.waitFor(`The Temporal server is back at 127.0.0.1:${platform.temporalPort}`, mark);
    expect(temporalPid(platform)).not.toBe(pid);

    // Same state file: the run completed before the kill is still there; the one in flight completes.
    expect((await runs.retrieve(first.id)).status).toBe("COMPLETED");
    expect((await completed(inFlight.id)).output).toMatchObject({ text: "Hello in flight" });
    const after = await tasks.trigger("greet", { name: "after" });
    expect((await completed(after.id)).output).toMatchObject({ text: "Hello after" });
  });

  it("a session cut off from Temporal says so once, is shown as cut off, reconnects by itself and runs new triggers", {
    timeout: 600_000,
  }, async () => {
    const pid = temporalPid(platform);
    const sessionMark = session.output.length;
    const platformMark = platform.output.length;
    // A hung server (stopped, not dead): the supervisor sees a live process; clients see no answer.
    process.kill(pid, "SIGSTOP");
    try {
      await session.waitFor(/Lost Temporal at 127\.0\.0\.1:\d+ \(.*\); reconnecting/, sessionMark, 60_000);
      await until(
        "the session's heartbeat to say it cannot reach Temporal",
        async () =>
          (await db.devSession.findMany({ where: { temporalReachable: false } })).length > 0 ? true : undefined,
        60_000,
      );
      await new Promise((r) => setTimeout(r, 10_000));
    } finally {
      process.kill(pid, "SIGCONT");
    }
    await session.waitFor(/Reconnected to Temporal at 127\.0\.0\.1:\d+/, sessionMark, 90_000);
    // Quiet: the lost line and the back line (no warning per failed poll: that was 629 lines in 40 s).
    const sessionLines = session.output.slice(sessionMark).split("\n").filter(Boolean);
    expect(sessionLines.length, sessionLines.join("\n")).toBeLessThanOrEqual(3);
    const platformLines = platform.output.slice(platformMark).split("\n").filter(Boolean);
    expect(
      platformLines.filter((line) => /WARN|retried \d+ times/.test(line)),
      platformLines.join("\n"),
    ).toEqual([]);
    // One line each when lost and when back, from the webapp and from the example's session; what else the example
    // prints meanwhile (its own runs' lines, which name the run: an execution Temporal timed out during the hang, say)
    // is not about the connection.
    expect(
      platformLines.filter((line) => /Temporal|gRPC|reconnect/i.test(line) && !/\brun_[0-9a-f]+\b/.test(line)).length,
      platformLines.join("\n"),
    ).toBeLessThanOrEqual(4);

    await until(
      "the session to be shown as reaching Temporal again",
      async () =>
        (
          await db.devSession.findMany({
            where: { temporalReachable: false, lastHeartbeat: { gt: new Date(Date.now() - 5_000) } },
          })
        ).length === 0
          ? true
          : undefined,
      60_000,
    );
    const after = await tasks.trigger("greet", { name: "reconnected" });
    expect((await completed(after.id)).output).toMatchObject({ text: "Hello reconnected" });
  });

  it("restarts the example session when it crashes", { timeout: 600_000 }, async () => {
    const example = childrenOf(platform.child.pid!).find(
      (p) => p.args.includes("dist/stint.js") && p.args.includes("examples/hello-world"),
    );
    expect(example).toBeDefined();
    const mark = platform.output.length;
    process.kill(example!.pid, "SIGKILL");
    await platform.waitFor("The example's stint dev session was killed (SIGKILL); restarting", mark);
    await platform.waitFor("Registered tasks:", mark, 600_000);
  });

  it("Ctrl-C prints Stopping… once and stops everything", { timeout: 600_000 }, async () => {
    const temporal = temporalPid(platform);
    const children = childrenOf(platform.child.pid!);
    const mark = platform.output.length;
    platform.child.kill("SIGINT");
    expect(await platform.exited, platform.output.slice(Math.max(0, mark - 3000))).toBe(0);
    expect(platform.output.slice(mark).match(/Stopping…/g)).toHaveLength(1);
    expect(isAlive(temporal)).toBe(false);
    for (const child of children)
      await until(`${child.args} to stop`, async () => (isAlive(child.pid) ? undefined : true), 15_000);
  });

  it("started again with other Temporal ports: it prints them, and a running session follows and says where it is", {
    timeout: 900_000,
  }, async () => {
    const before = platform;
    const sessionMark = session.output.length;
    platform = await startPlatform({ example: false, databaseUrl, again: before });
    expect(platform.temporalPort).not.toBe(before.temporalPort);
    expect(platform.output).toContain(`Temporal gRPC:  127.0.0.1:${platform.temporalPort}  (TEMPORAL_PORT)`);
    expect(readFileSync(join(platform.dataDir, "dev.env"), "utf8")).toContain(`TRIGGER_API_URL=${platform.apiUrl}`);

    // The session asks the webapp where Temporal is now and moves there by itself.
    await session.waitFor(
      `Temporal moved to 127.0.0.1:${platform.temporalPort} (was 127.0.0.1:${before.temporalPort})`,
      sessionMark,
      120_000,
    );
    const after = await tasks.trigger("greet", { name: "moved" });
    const run = await completed(after.id).catch((error: Error) => {
      throw new Error(
        `${error.message}\nsession:\n${session.output.slice(sessionMark)}\nplatform:\n${platform.output}`,
      );
    });
    expect(run.output).toMatchObject({ text: "Hello moved" });

    // stint status reads the session's new address: reachable, with the session's own pollers.
    const status = spawn(process.execPath, [CLI, "status"], { cwd: sessionProject, stdio: ["ignore", "pipe", "pipe"] });
    const watched = new Watched(status);
    expect(await watched.exited, watched.output).toBe(0);
    expect(watched.output).toContain(`Temporal:  127.0.0.1:${platform.temporalPort}`);
  });
});

describe("a Temporal server that cannot come back", () => {
  let blocker: Server | undefined;

  afterAll(() => blocker?.close());

  it("makes the platform exit with a clear message instead of staying half-alive", async () => {
    const platform = await startPlatform({ example: false, databaseUrl: await createTestDatabase() });
    try {
      const pid = temporalPid(platform);
      process.kill(pid, "SIGKILL");
      // Something else takes the port before the restart (due 0.5 s after the exit): every restart fails.
      for (
        const deadline = Date.now() + 10_000;
        !blocker && Date.now() < deadline;
        await new Promise((r) => setTimeout(r, 5))
      ) {
        blocker = await new Promise<Server | undefined>((resolve) => {
          const server = createServer();
          server.once("error", () => resolve(undefined));
          server.listen(platform.temporalPort, "127.0.0.1", () => resolve(server));
        });
      }
      expect(blocker).toBeDefined();
      expect(await platform.exited).toBe(1);
      expect(platform.output).toMatch(/failed 5 times in a row; giving up/);
      expect(platform.output).toMatch(/Stopping the platform/);
      // The webapp is gone too: nothing answers on its port.
      await expect(fetch(`${platform.apiUrl}/healthz`)).rejects.toThrow();
    } finally {
      if (platform.child.exitCode === null) platform.child.kill("SIGKILL");
    }
  }, 900_000);
});

/**
 * `npm start` itself, as a user runs it: npm runs the script through `sh -c`, so a signal npm forwards must reach the
 * platform (a kill -INT of npm used to stop at the shell), and a terminal's Ctrl-C, which reaches npm and the
 * platform at once (npm forwards it too), must stop everything once, in order.
 */
describe("npm start", () => {
  async function npmStart(how: "terminal" | "plain") {
    const dataDir = mkdtempSync(join(tmpdir(), "stint-npm-start-"));
    const [web, temporalPort, ui] = [await freePort(), await freePort(), await freePort()];
    const env = {
      ...process.env,
      PORT: String(web),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(ui),
      STINT_DATA_DIR: dataDir,
      STINT_EXAMPLE: "off",
      STINT_UI: "off",
      DATABASE_URL: await createTestDatabase(),
    };
    // A terminal: `script` runs npm on a pseudo-terminal, where a typed Ctrl-C (\x03) becomes SIGINT for npm's
    // process group, as in a shell. Plain: npm in a process group of its own, signalled by pid.
    const child =
      how === "terminal"
        ? spawn("script", ["-qefc", "exec npm start", "/dev/null"], {
            cwd: REPO,
            env: { ...env, SHELL: "/bin/sh" },
            stdio: ["pipe", "pipe", "pipe"],
          })
        : spawn("npm", ["start"], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const platform = Object.assign(new Watched(child), { dataDir, temporalPort, apiUrl: `http://127.0.0.1:${web}` });
    await platform.waitFor("Ctrl-C stops everything.", 0, 600_000);
    return platform;
  }

  async function expectStoppedInOrder(platform: Platform, mark: number, temporal: number, exitCode: number | null) {
    expect(exitCode, platform.output.slice(mark)).toBe(0);
    expect(platform.output.slice(mark).match(/Stopping…/g)).toHaveLength(1);
    await until("the Temporal server to stop", async () => (isAlive(temporal) ? undefined : true), 15_000);
    await expect(fetch(`${platform.apiUrl}/healthz`)).rejects.toThrow();
  }

  it("stops everything on Ctrl-C typed in a terminal", { timeout: 900_000 }, async () => {
    const platform = await npmStart("terminal");
    try {
      const [mark, temporal] = [platform.output.length, temporalPid(platform)];
      platform.child.stdin!.write("\x03");
      const exitCode = await Promise.race([
        platform.exited,
        new Promise<"running">((r) => setTimeout(() => r("running"), 60_000)),
      ]);
      expect(exitCode, `npm start did not stop within 60 s:\n${platform.output.slice(mark)}`).not.toBe("running");
      await expectStoppedInOrder(platform, mark, temporal, exitCode as number | null);
    } finally {
      if (platform.child.exitCode === null) platform.child.kill("SIGKILL");
    }
  });

  it("stops everything on kill -INT of the npm process", { timeout: 900_000 }, async () => {
    const platform = await npmStart("plain");
    try {
      const [mark, temporal] = [platform.output.length, temporalPid(platform)];
      process.kill(platform.child.pid!, "SIGINT");
      const exitCode = await Promise.race([
        platform.exited,
        new Promise<"running">((r) => setTimeout(() => r("running"), 60_000)),
      ]);
      expect(exitCode, `npm start did not stop within 60 s:\n${platform.output.slice(mark)}`).not.toBe("running");
      await expectStoppedInOrder(platform, mark, temporal, exitCode as number | null);
    } finally {
      // Whatever is left of its process group (npm, the shell, the platform).
      if (platform.child.exitCode === null) process.kill(-platform.child.pid!, "SIGKILL");
    }
  });
});
