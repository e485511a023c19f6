/**
 * A Trigger.dev project of many generated tasks, one file and one queue (with a concurrency limit) per task, as large
 * reference projects have: for `stint dev` at scale (tests and bench/dev-session-scale.ts).
 * Each task returns when it started (`startedAt`, epoch ms), so a caller can measure trigger→start.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function generatedTaskId(index: number): string {
  return `generated-${String(index).padStart(3, "0")}`;
}

export function writeGeneratedProject(dir: string, options: { tasks: number; projectRef: string }): string[] {
  mkdirSync(join(dir, "src/trigger"), { recursive: true });
  writeFileSync(
    join(dir, "trigger.config.ts"),
    `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "${options.projectRef}", maxDuration: 60 });\n`,
  );
  const ids: string[] = [];
  for (let i = 0; i < options.tasks; i++) {
    const id = generatedTaskId(i);
    ids.push(id);
    writeFileSync(
      join(dir, `src/trigger/${id}.ts`),
      `import { queue, task } from "@trigger.dev/sdk";\n` +
        `const own = queue({ name: "${id}-queue", concurrencyLimit: 5 });\n` +
        `export const t${i} = task({ id: "${id}", queue: own, run: async (payload: { n?: number }) => ({ task: "${id}", n: payload.n ?? 0, startedAt: Date.now() }) });\n`,
    );
  }
  return ids;
}
