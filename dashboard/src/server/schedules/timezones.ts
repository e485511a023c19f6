/**
 * IANA timezone names for schedules. `Intl.supportedValuesOf("timeZone")` lists only ICU's canonical ids, which are
 * often the old names ("Asia/Calcutta", "Europe/Kiev") and leave out links such as "Etc/GMT+5" or "US/Eastern"; a
 * schedule accepts any name `Intl.DateTimeFormat` accepts (cron-parser computes fire times with it), spelled as
 * Temporal Schedules need it: the tz database's names, which are case-sensitive and never offsets like "+05:30".
 */
const LISTED = Intl.supportedValuesOf("timeZone");
const LISTED_BY_LOWERCASE = new Map([
  ["utc", "UTC"],
  ...LISTED.map((name) => [name.toLowerCase(), name] as [string, string]),
]);

/** What `GET /api/v1/timezones` lists: UTC first, then ICU's ids. */
export function listedTimezones(): string[] {
  return ["UTC", ...LISTED.filter((name) => name !== "UTC")];
}

/** The name to store and give Temporal, or undefined when `name` is no IANA timezone. */
export function ianaTimezone(name: string): string | undefined {
  const icuId = icuTimezoneId(name);
  if (!icuId) return undefined;
  // Newer Node versions accept UTC offsets; the tz database (and so Temporal) has no such names.
  if (!/^[A-Za-z]/.test(name)) return undefined;
  const listed = LISTED_BY_LOWERCASE.get(name.toLowerCase());
  if (listed) return listed;
  // A link or a newer name ICU files under an older id ("Asia/Kolkata" is "Asia/Calcutta" to ICU): kept as written
  // when spelled as the tz database spells names; otherwise ICU's id of the same zone, which Temporal knows too.
  return name.split("/").every((part) => /^[A-Z]/.test(part)) ? name : icuId;
}

/** ICU's id of the zone `name` names (any capitals), or undefined when Intl does not know it. */
export function icuTimezoneId(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
