/** Cron arithmetic for scheduled runs' payloads (previous and upcoming fire times), in the schedule's timezone. */
import { CronExpressionParser } from "cron-parser";

export function scheduleTimes(
  cron: string,
  timezone: string,
  at: Date,
  upcomingCount = 5,
): { lastTimestamp?: string; upcoming: string[] } {
  const previous = CronExpressionParser.parse(cron, { currentDate: at, tz: timezone });
  let lastTimestamp: string | undefined;
  try {
    lastTimestamp = previous.prev().toISOString() ?? undefined;
  } catch {
    lastTimestamp = undefined;
  }
  const next = CronExpressionParser.parse(cron, { currentDate: new Date(at.getTime() + 1000), tz: timezone });
  const upcoming = Array.from({ length: upcomingCount }, () => next.next().toISOString() ?? "").filter(Boolean);
  return { lastTimestamp, upcoming };
}
