/** Task files: every .ts/.tsx/.js/.mjs file under the config's `dirs` (default ./src/trigger). */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

const TASK_FILE = /\.(ts|tsx|mts|js|mjs)$/;
const IGNORED = /(^|\/)(node_modules|\.stint|dist)(\/|$)|\.(test|spec)\.[^.]+$|\.d\.ts$/;

export function taskDirs(projectDir: string, dirs: string[] | undefined): string[] {
  return (dirs?.length ? dirs : ["./src/trigger"]).map((dir) => resolve(projectDir, dir));
}

export function findTaskFiles(dirs: string[]): string[] {
  const files: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
      if (TASK_FILE.test(entry) && !IGNORED.test(entry)) files.push(join(dir, entry));
    }
  }
  return files.sort();
}
