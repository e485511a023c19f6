/** Command-line flags for bench scripts: `--name value` pairs (and bare boolean flags) checked by a zod schema. */
import type { z } from "zod";

export function parseArgs<T extends z.ZodTypeAny>(schema: T, argv: string[], booleanFlags: string[] = []): z.infer<T> {
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    // --kebab-case flags map to camelCase schema keys.
    const key = argv[i]!.replace(/^--/, "").replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    if (booleanFlags.includes(key)) raw[key] = true;
    else raw[key] = argv[++i];
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i: z.ZodIssue) => `--${i.path.join(".")}: ${i.message}`).join("\n"));
    process.exit(2);
  }
  return parsed.data;
}
