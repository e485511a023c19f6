/** Says which task files were left out of a build or a load, and why; the other files' tasks are registered. */
import type { BundleManifest } from "@stint/temporal-workers";
import type { SkippedFile } from "../project/build-project.js";

export function loadProblems(skipped: SkippedFile[], manifest: BundleManifest): string[] {
  const lines: string[] = [];
  for (const entry of skipped)
    lines.push(`  ✗ ${entry.file} does not build, so its tasks are not registered:\n${indent(entry.message)}`);
  for (const entry of manifest.loadErrors ?? []) {
    const where = entry.error.stack
      ?.split("\n")
      .find((line) => line.includes(entry.file.replace(/\.[cm]?[jt]sx?$/, "")))
      ?.trim();
    lines.push(
      `  ✗ ${entry.file} threw while loading, so its tasks are not registered: ${entry.error.name}: ${entry.error.message}${where ? `\n      ${where}` : ""}`,
    );
  }
  return lines;
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => `      ${line}`)
    .join("\n");
