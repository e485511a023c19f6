/**
 * `npm start`'s path: no DATABASE_URL, so the webapp runs on embedded PostgreSQL (PGlite) under its data folder,
 * migrates it, creates the defaults once (the example project, the admin and their access token) and writes
 * `.stint/dev.env`, which `source` exports; a restart keeps everything.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { PortInUseError, startWebapp, type Webapp } from "../src/index.js";

const dataDir = mkdtempSync(join(tmpdir(), "stint-first-boot-"));
let running: Webapp | undefined;

afterAll(async () => {
  await running?.stop();
});

function start() {
  return startWebapp({
    port: 0,
    dataDir,
    temporal: { address: inject("temporalAddress") },
    engineTaskQueue: "stint-engine-first-boot",
    ui: false,
  });
}

describe("first boot on the embedded database", () => {
  let firstKey: string;
  let firstToken: string;
  let projectRef: string;

  it("creates the admin, organisation, project and environments, and writes dev.env with a working key", async () => {
    running = await start();
    const boot = running.bootstrap!;
    expect(boot.firstBoot).toBe(true);
    expect(boot.adminPassword).toHaveLength(16);
    expect(boot.devSecretKey).toMatch(/^tr_dev_/);
    expect(running.databaseUrl).toContain("127.0.0.1");

    const devEnv = readFileSync(join(dataDir, "dev.env"), "utf8");
    expect(devEnv).toContain(`export TRIGGER_API_URL=${running.url}\n`);
    expect(devEnv).toContain(`export TRIGGER_SECRET_KEY=${boot.devSecretKey}\n`);
    expect(devEnv).toContain(`export TRIGGER_ACCESS_TOKEN=${boot.accessToken}\n`);
    expect(boot.accessToken).toMatch(/^tr_pat_/);
    expect(statSync(join(dataDir, "dev.env")).mode & 0o077).toBe(0);
    // `source` exports them: a program started from that shell sees them (it saw none before).
    const { TRIGGER_API_URL: _url, TRIGGER_ACCESS_TOKEN: _token, TRIGGER_SECRET_KEY: _key, ...shell } = process.env;
    const seen = execFileSync(
      "bash",
      [
        "-c",
        `source ${join(dataDir, "dev.env")} && node -e 'console.log([process.env.TRIGGER_API_URL, process.env.TRIGGER_ACCESS_TOKEN, process.env.TRIGGER_SECRET_KEY].join(" "))'`,
      ],
      {
        encoding: "utf8",
        env: shell,
      },
    );
    expect(seen.trim()).toBe(`${running.url} ${boot.accessToken} ${boot.devSecretKey}`);
    // The example is its own project; the admin's token finds it and hands over its development key.
    expect(boot.projectRef).toBe("proj_hello_world");
    const resolved = await fetch(`${running.url}/api/v1/projects/proj_hello_world/environments/dev`, {
      method: "POST",
      headers: { authorization: `Bearer ${boot.accessToken}` },
    });
    expect(((await resolved.json()) as { apiKey: string }).apiKey).toBe(boot.devSecretKey);

    const response = await fetch(`${running.url}/api/v1/runs`, {
      headers: { authorization: `Bearer ${boot.devSecretKey}` },
    });
    expect(response.status).toBe(200);
    expect(await running.db.organization.count()).toBe(1);
    expect(await running.db.runtimeEnvironment.count()).toBe(3);
    firstKey = boot.devSecretKey!;
    firstToken = boot.accessToken!;
    projectRef = boot.projectRef;
  });

  it("a restart on the same folder keeps the data and reads the key back from dev.env", async () => {
    await running!.stop();
    running = await start();
    const boot = running.bootstrap!;
    expect(boot.firstBoot).toBe(false);
    expect(boot.adminPassword).toBeUndefined();
    expect(boot.projectRef).toBe(projectRef);
    expect(boot.devSecretKey).toBe(firstKey);
    // Started on another port (0: a free one each time): dev.env names the URL it listens on now.
    expect(readFileSync(join(dataDir, "dev.env"), "utf8")).toContain(`TRIGGER_API_URL=${running.url}`);
    expect(boot.accessToken).toBe(firstToken);
    expect(await running.db.organization.count()).toBe(1);
    expect(await running.db.personalAccessToken.count()).toBe(1);
  });

  it("a port already in use is refused with a message saying how to pick another", async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, "127.0.0.1", () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const attempt = startWebapp({
        port,
        dataDir: join(dataDir, "unused"),
        temporal: { address: inject("temporalAddress") },
        ui: false,
      });
      await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
      await expect(attempt).rejects.toThrow(new RegExp(`Port ${port} is already in use.*PORT=`));
    } finally {
      blocker.close();
    }
  });
});
