/** Dashboard logins: email + password, or a one-time magic link; a session cookie whose hash the database keeps. */
import type { Database } from "../database/prisma-client.js";
import { hashSecret, newId, randomToken, verifyPassword } from "./secrets.js";

export const SESSION_COOKIE = "stint_session";
const SESSION_DAYS = 14;
const MAGIC_LINK_MINUTES = 15;

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
}

export async function createUserSession(db: Database, userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken(40);
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  await db.userSession.create({ data: { id: newId("sess_"), tokenHash: hashSecret(token), userId, expiresAt } });
  return { token, expiresAt };
}

export async function userFromSession(db: Database, token: string | undefined): Promise<SessionUser | undefined> {
  if (!token) return undefined;
  const session = await db.userSession.findUnique({ where: { tokenHash: hashSecret(token) }, include: { user: true } });
  if (!session || session.expiresAt < new Date()) return undefined;
  return { id: session.user.id, email: session.user.email, name: session.user.name };
}

export async function endUserSession(db: Database, token: string): Promise<void> {
  await db.userSession.deleteMany({ where: { tokenHash: hashSecret(token) } });
}

export async function loginWithPassword(db: Database, email: string, password: string): Promise<string | undefined> {
  const user = await db.user.findUnique({ where: { email: email.toLowerCase() } });
  if (!user?.passwordHash || !(await verifyPassword(password, user.passwordHash))) return undefined;
  return user.id;
}

/** A link that logs its holder in once; without a mail server it goes to the server log. */
export async function createMagicLink(db: Database, email: string, baseUrl: string): Promise<string | undefined> {
  const user = await db.user.findUnique({ where: { email: email.toLowerCase() } });
  if (!user) return undefined;
  const token = randomToken(40);
  await db.loginToken.create({
    data: {
      id: newId("login_"),
      tokenHash: hashSecret(token),
      userId: user.id,
      expiresAt: new Date(Date.now() + MAGIC_LINK_MINUTES * 60_000),
    },
  });
  return `${baseUrl}/ui-api/login/magic/${token}`;
}

export async function redeemMagicLink(db: Database, token: string): Promise<string | undefined> {
  const row = await db.loginToken.findUnique({ where: { tokenHash: hashSecret(token) } });
  if (!row || row.usedAt || row.expiresAt < new Date()) return undefined;
  const used = await db.loginToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
  return used.count === 1 ? row.userId : undefined;
}
