/**
 * `stint dev` sessions started as a user starts them (the CLI's bin, in the project's folder) against a test webapp,
 * so a test drives a real session: its own child processes, its registration and its reconnects.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DevProcess } from "@stint/cli/testing";
import { useProjectRef, type TestWebapp } from "./index.js";

const STINT_CLI = join(import.meta.dirname, "../../../cli/bin/stint.mjs");

/** A copy of `test/fixtures/<fixture>` in a temporary folder, its config naming the test webapp's project. */
export function copyFixtureProject(fixture: string, projectRef: string): string {
  const project = join(mkdtempSync(join(tmpdir(), `stint-${fixture}-`)), "project");
  cpSync(join(import.meta.dirname, "../fixtures", fixture), project, { recursive: true });
  useProjectRef(project, projectRef);
  return project;
}

export interface DevSessionOptions {
  /** Output that says the session is ready (default: its task list). */
  readyLine?: string;
  /** Extra environment for the session and its tasks. */
  env?: Record<string, string>;
}

/** `stint dev --no-watch` in `projectDir`, joined to the webapp's development environment, once it has registered. */
export async function startDevSession(
  t: TestWebapp,
  projectDir: string,
  { readyLine = "Registered tasks:", env = {} }: DevSessionOptions = {},
): Promise<DevProcess> {
  // The session finds Temporal through the webapp, as a user's does: never the test runner's own address.
  const { TEMPORAL_ADDRESS: _unused, ...inherited } = process.env;
  const child = spawn(process.execPath, [STINT_CLI, "dev", "--no-watch"], {
    cwd: projectDir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...inherited, TRIGGER_API_URL: t.webapp.url, TRIGGER_SECRET_KEY: t.dev.secretKey, ...env },
  });
  const session = new DevProcess(child);
  try {
    await session.waitFor(readyLine, 0, 240_000);
  } catch (error) {
    // A session that never got ready must not outlive the test file.
    child.kill("SIGKILL");
    throw error;
  }
  return session;
}

/** Ctrl-C as a user stops it (SIGTERM), and waits until the session has exited. */
export async function stopDevSession(session: DevProcess | undefined): Promise<void> {
  if (!session || session.child.exitCode !== null || session.child.signalCode !== null) return;
  const exited = new Promise((resolve) => session.child.once("exit", resolve));
  session.child.kill("SIGTERM");
  await exited;
}
