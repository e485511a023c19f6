/** Parses Trigger-style durations ("30s", "5m", "2h", "3d", "1w") and absolute dates. */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export type DurationInput = string | number | Date;

/** Milliseconds for a duration string ("1h30m" too) or a number of seconds. Throws with the offending text. */
export function parseDurationMs(input: string | number, field = "duration"): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0)
      throw new TypeError(`${field}: expected a non-negative number of seconds, got ${input}`);
    return Math.round(input * 1000);
  }
  const text = input.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) {
    throw new TypeError(
      `${field}: "${input}" is not a duration; use a number of seconds or text like "30s", "5m", "2h", "3d", "1w"`,
    );
  }
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNIT_MS[unit!]!, 0);
}

/**
 * A debounce duration as Trigger.dev takes one: whole numbers of w, d, h (or hr), m and s, combined ("2h30m"), at
 * least one second. Never a date: it is applied again from each trigger that pushes the run back.
 */
export function parseDebounceDurationMs(input: string, field = "debounce.delay"): number {
  const text = typeof input === "string" ? input.trim() : "";
  const parts = [...text.matchAll(/(\d+)(w|d|hr|h|m|s)/g)];
  if (text.length === 0 || text.length > 100 || parts.map((p) => p[0]).join("") !== text) {
    throw new TypeError(
      `${field}: "${String(input)}" is not a duration; use whole numbers of w, d, h, m and s such as "5s", "1m" or "2h30m"`,
    );
  }
  const unitMs: Record<string, number> = {
    w: 604_800_000,
    d: 86_400_000,
    hr: 3_600_000,
    h: 3_600_000,
    m: 60_000,
    s: 1_000,
  };
  const ms = parts.reduce((total, [, amount, unit]) => total + Number(amount) * unitMs[unit!]!, 0);
  if (ms < 1_000) throw new TypeError(`${field}: "${input}" is under the minimum of 1 second`);
  return ms;
}

/** Resolves a delay (duration from now, or a Date / ISO string) to an absolute date. */
export function resolveDate(input: DurationInput, field = "delay", now = Date.now()): Date {
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) throw new TypeError(`${field}: invalid Date`);
    return input;
  }
  if (typeof input === "string" && /^\d{4}-\d{2}-\d{2}/.test(input)) {
    const date = new Date(input);
    if (Number.isNaN(date.getTime())) throw new TypeError(`${field}: "${input}" is not a valid ISO date`);
    return date;
  }
  return new Date(now + parseDurationMs(input, field));
}

export interface WaitForDuration {
  seconds?: number;
  minutes?: number;
  hours?: number;
  days?: number;
  weeks?: number;
  months?: number;
  years?: number;
}

export function waitForDurationMs(d: WaitForDuration): number {
  const ms =
    (d.seconds ?? 0) * 1_000 +
    (d.minutes ?? 0) * 60_000 +
    (d.hours ?? 0) * 3_600_000 +
    (d.days ?? 0) * 86_400_000 +
    (d.weeks ?? 0) * 604_800_000 +
    (d.months ?? 0) * 30 * 86_400_000 +
    (d.years ?? 0) * 365 * 86_400_000;
  if (!Number.isFinite(ms) || ms < 0)
    throw new TypeError("wait.for: expected a non-negative duration such as { seconds: 10 }");
  return ms;
}
