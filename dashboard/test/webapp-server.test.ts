/**
 * A webapp server whose worker servers and `stint dev` sessions run on other machines tells them where Temporal is as
 * they reach it (STINT_TEMPORAL_PUBLIC_ADDRESS), not as the webapp itself does. Here "another address" is a TCP relay
 * on another loopback port: a session that registers through the webapp must reach Temporal through the relay for its
 * run to complete. Also: `npm start`'s server settings are checked at start, and compose/webapp-server.yml only sets
 * variables the platform reads.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, connect, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { configure, runs, tasks } from "trigger-sdk-latest";
import type { DevProcess } from "@stint/cli/testing";
import { freePort } from "@stint/temporal-workers";
import { createWorkerGroup } from "../src/index.js";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";
import { copyFixtureProject, startDevSession, stopDevSession } from "./harness/dev-session.js";

const REPO = join(import.meta.dirname, "../..");

let relay: Server;
let relayed = 0;
let relayAddress: string;
let t: TestWebapp;
let session: DevProcess | undefined;

beforeAll(async () => {
  const [host, port] = inject("temporalAddress").split(":") as [string, string];
  relay = createServer((incoming) => {
    relayed++;
    const outgoing = connect(Number(port), host);
    incoming.pipe(outgoing).pipe(incoming);
    incoming.on("error", () => outgoing.destroy());
    outgoing.on("error", () => incoming.destroy());
  });
  const relayPort = await freePort();
  await new Promise<void>((resolve) => relay.listen(relayPort, "127.0.0.1", resolve));
  relayAddress = `127.0.0.1:${relayPort}`;
  t = await startTestWebapp({ temporalPublicAddress: relayAddress });
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
}, 120_000);

afterAll(async () => {
  if (session) await stopDevSession(session);
  await t?.stop();
  relay?.close();
});

describe("webapp server", () => {
  it("tells worker servers the public Temporal address", async () => {
    const group = await createWorkerGroup(t.webapp.db, `public-${Date.now()}`);
    const response = await fetch(`${t.webapp.url}/api/v1/worker/settings`, {
      headers: { authorization: `Bearer ${group.token}` },
    });
    expect(response.status).toBe(200);
    const settings = (await response.json()) as { temporal: { address: string } };
    expect(settings.temporal.address).toBe(relayAddress);
    expect(settings.temporal.address).not.toBe(inject("temporalAddress"));
  });

  it("a stint dev session reaches Temporal at the public address and runs its tasks", {
    timeout: 300_000,
  }, async () => {
    session = await startDevSession(t, copyFixtureProject("logs-project", t.project.ref));
    const before = relayed;
    const handle = await tasks.trigger("logs-chatty", { lines: [] });
    for (const deadline = Date.now() + 90_000; ; await new Promise((r) => setTimeout(r, 250))) {
      const run = await runs.retrieve(handle.id);
      if (run.status === "COMPLETED") break;
      if (run.isCompleted || Date.now() > deadline)
        throw new Error(`${handle.id}: ${run.status}\n${session.output.slice(-3000)}`);
    }
    // The session's connections to Temporal went through the relay (opened when it registered, before the trigger).
    expect(relayed).toBeGreaterThan(0);
    expect(relayed).toBeGreaterThanOrEqual(before);
  });

  it("npm start refuses a bad STINT_HOST, STINT_PUBLIC_URL or STINT_TEMPORAL_PUBLIC_ADDRESS, naming it", () => {
    for (const [variable, value] of [
      ["STINT_HOST", "everywhere"],
      ["STINT_PUBLIC_URL", "stint.example.com"],
      ["STINT_TEMPORAL_PUBLIC_ADDRESS", "stint.example.com"],
    ] as const) {
      const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/start-platform.ts"], {
        cwd: join(REPO, "dashboard"),
        env: { ...process.env, [variable]: value },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toContain(variable);
    }
  });

  it("compose/webapp-server.yml sets only variables the platform reads", () => {
    const compose = readFileSync(join(REPO, "compose/webapp-server.yml"), "utf8");
    const webapp = compose.slice(compose.indexOf("  webapp:"), compose.indexOf("\n  postgres:"));
    const environment = webapp.slice(webapp.indexOf("    environment:"), webapp.indexOf("    ports:"));
    const variables = [...environment.matchAll(/^ {6}([A-Z0-9_]+):/gm)].map((match) => match[1]!);
    expect(variables.length).toBeGreaterThan(5);
    // Where the platform reads its environment: the platform's start, the webapp, the object store's settings.
    const sources = [
      "dashboard/src/cli/start-platform.ts",
      "dashboard/src/server/start-webapp.ts",
      "dashboard/src/server/events/create-event-store.ts",
      "dashboard/src/server/auth/github-oauth.ts",
      "dashboard/src/server/auth/email-address.ts",
      "object-store/src/object-store-config.ts",
    ]
      .map((file) => readFileSync(join(REPO, file), "utf8"))
      .join("\n");
    for (const variable of variables) expect(sources, `${variable} is read nowhere`).toContain(variable);
  });
});
