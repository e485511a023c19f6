/**
 * Personal access tokens (`tr_pat_…`, as Trigger.dev's CLI uses): the CLI acts for the token's user. Stored as
 * SHA-256 hashes with a hint; shown once when created; revoked tokens stop working at once.
 */
import type { Database } from "../database/prisma-client.js";
import { hashSecret, hintOf, newId, randomToken } from "./secrets.js";

export const ACCESS_TOKEN_PREFIX = "tr_pat_";

export function looksLikeAccessToken(value: string): boolean {
  return /^tr_pat_[a-z0-9]{40}$/.test(value);
}

export async function createAccessToken(
  db: Database,
  userId: string,
  name: string,
): Promise<{ id: string; token: string }> {
  const token = `${ACCESS_TOKEN_PREFIX}${randomToken(40)}`;
  const id = newId("pat_");
  await db.personalAccessToken.create({
    data: { id, userId, name, tokenHash: hashSecret(token), tokenHint: hintOf(token) },
  });
  return { id, token };
}

/** The token's user, if the token exists and is not revoked (its last use is recorded). */
export async function userOfAccessToken(
  db: Database,
  token: string,
): Promise<{ id: string; email: string } | undefined> {
  if (!looksLikeAccessToken(token)) return undefined;
  const row = await db.personalAccessToken.findUnique({
    where: { tokenHash: hashSecret(token) },
    include: { user: { select: { id: true, email: true } } },
  });
  if (!row || row.revokedAt) return undefined;
  await db.personalAccessToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  return row.user;
}

export async function listAccessTokens(db: Database, userId: string) {
  const rows = await db.personalAccessToken.findMany({
    where: { userId, revokedAt: null },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    hint: `${ACCESS_TOKEN_PREFIX}…${row.tokenHint}`,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
  }));
}

export async function revokeAccessToken(db: Database, userId: string, id: string): Promise<boolean> {
  const revoked = await db.personalAccessToken.updateMany({
    where: { id, userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return revoked.count === 1;
}
