/**
 * `npm start`'s settings: a bad value stops the platform before it starts anything, with exit code 2 and a line naming
 * the variable and its fix; a well-formed CLICKHOUSE_URL nobody answers on stops it with exit code 1 and one message,
 * never a stack trace and never the password. The real start-platform process, on free ports.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "@stint/temporal-workers";
import { createTestDatabase } from "./harness/index.js";

const DASHBOARD = join(import.meta.dirname, "..");

async function startPlatform(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/start-platform.ts"], {
    cwd: DASHBOARD,
    env: {
      ...process.env,
      PORT: String(await freePort()),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      STINT_DATA_DIR: mkdtempSync(join(tmpdir(), "stint-platform-config-")),
      STINT_EXAMPLE: "off",
      STINT_UI: "off",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, output };
}

/** A stack trace's frames, which a user should never see for a setting of theirs. */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

describe("npm start's settings", () => {
  it("refuses a malformed CLICKHOUSE_URL or PORT with exit code 2, naming the variable", async () => {
    const clickhouse = await startPlatform({ CLICKHOUSE_URL: "clickhouse://nowhere" });
    expect(clickhouse.code).toBe(2);
    expect(clickhouse.output).toMatch(/^CLICKHOUSE_URL: CLICKHOUSE_URL must be an http:\/\/ or https:\/\/ URL$/m);
    expect(clickhouse.output).not.toMatch(STACK_FRAME);

    const port = await startPlatform({ PORT: "70000" });
    expect(port.code).toBe(2);
    expect(port.output).toMatch(/^PORT: PORT must be a port number \(1–65535\)$/m);
  }, 120_000);

  it("stops with one message naming ClickHouse when nothing answers at CLICKHOUSE_URL, without the password", async () => {
    const closedPort = await freePort();
    const { code, output } = await startPlatform({
      CLICKHOUSE_URL: `http://stint:very-secret-pw@127.0.0.1:${closedPort}/stint`,
      DATABASE_URL: await createTestDatabase(),
    });
    expect(code, output).toBe(1);
    expect(output).toContain(`ClickHouse at http://stint:***@127.0.0.1:${closedPort}/stint refused to set up`);
    expect(output).toContain("Check CLICKHOUSE_URL");
    expect(output).not.toContain("very-secret-pw");
    expect(output).not.toMatch(STACK_FRAME);
  }, 300_000);
});
