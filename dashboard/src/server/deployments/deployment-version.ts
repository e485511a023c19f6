/** Deployment versions as Trigger.dev numbers them: the UTC date and a counter per environment and day (`20261130.2`). */
import { randomInt } from "node:crypto";

export const VERSION_PATTERN = /^\d{8}\.\d+$/;

/** The version after `latest` (the environment's newest), for a deployment made at `now`. */
export function nextVersion(latest: string | undefined, now: Date): string {
  const day = now.toISOString().slice(0, 10).replaceAll("-", "");
  const [latestDay, latestCount] = (latest ?? "").split(".");
  return latestDay === day && latestCount ? `${day}.${Number(latestCount) + 1}` : `${day}.1`;
}

const SHORT_CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

/** A short code to tell deployments apart at a glance (no look-alike characters). */
export function newShortCode(): string {
  return Array.from({ length: 8 }, () => SHORT_CODE_ALPHABET[randomInt(SHORT_CODE_ALPHABET.length)]).join("");
}
