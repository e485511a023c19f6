/** `stint init`: writes a trigger.config.ts and an example task into a project folder (never overwrites). */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";

const CONFIG = (project: string) => `import { defineConfig } from "@trigger.dev/sdk";

export default defineConfig({
  project: "${project}",
  dirs: ["./src/trigger"],
  maxDuration: 3600,
  retries: { enabledInDev: true, default: { maxAttempts: 3, minTimeoutInMs: 1000, maxTimeoutInMs: 10000, factor: 2 } },
});
`;

const EXAMPLE = `import { logger, task, wait } from "@trigger.dev/sdk";

export const helloWorld = task({
  id: "hello-world",
  run: async (payload: { name?: string }) => {
    logger.info("Hello", { name: payload.name ?? "world" });
    await wait.for({ seconds: 2 });
    return { message: \`Hello, \${payload.name ?? "world"}!\` };
  },
});
`;

export function runInit(dir: string, project?: string): string[] {
  const root = resolve(dir);
  const ref = project ?? `proj_${basename(root).replace(/[^a-z0-9]/gi, "").toLowerCase() || "stint"}`;
  const written: string[] = [];
  const write = (file: string, text: string) => {
    const path = join(root, file);
    if (existsSync(path)) return;
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
    written.push(file);
  };
  write("trigger.config.ts", CONFIG(ref));
  write("src/trigger/example.ts", EXAMPLE);
  return written;
}
