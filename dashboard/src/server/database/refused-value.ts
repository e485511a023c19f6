/**
 * Telling a value PostgreSQL refused (bad text, a bad date, a broken reference: the row's fault, the same on every
 * try) from the database being unreachable or busy (worth retrying as it is). Pipelines that write many runs' rows
 * at once isolate the first kind and retry the second.
 */

/** The SQLSTATE behind a Prisma error (raw queries and the pg driver adapter nest it differently). */
export function sqlState(error: unknown): string | undefined {
  const e = error as {
    meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } };
    cause?: { originalCode?: unknown; code?: unknown };
  } | null;
  const candidates = [
    e?.meta?.code,
    e?.meta?.driverAdapterError?.cause?.originalCode,
    e?.cause?.originalCode,
    e?.cause?.code,
  ];
  return candidates.find((code): code is string => typeof code === "string" && /^[0-9A-Z]{5}$/.test(code));
}

/** Class 22 (data exception: encoding, too long, bad date) or 23 (integrity), or a value Prisma would not send. */
export function isRefusedValue(error: unknown): boolean {
  const state = sqlState(error);
  if (state?.startsWith("22") || state?.startsWith("23")) return true;
  const name = (error as { name?: string } | null)?.name;
  return (
    name === "PrismaClientValidationError" ||
    /invalid byte sequence|unicode|surrogate|invalid input syntax|hex escape/i.test(
      (error as Error | null)?.message ?? "",
    )
  );
}

/** One line for a note or log: the database's own words, without the query text Prisma puts before them. */
export function refusalReason(error: unknown): string {
  const message = (error as Error | null)?.message ?? String(error);
  const lines = message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return (lines.at(-1) ?? message).slice(0, 300);
}
