/** A secret an operator must copy from the log, framed so it stands out among start-up lines (as Trigger.dev does). */
export function framedBox(lines: string[]): string[] {
  const width = Math.max(...lines.map((line) => line.length));
  return [
    `┌${"─".repeat(width + 2)}┐`,
    ...lines.map((line) => `│ ${line.padEnd(width)} │`),
    `└${"─".repeat(width + 2)}┘`,
  ];
}
