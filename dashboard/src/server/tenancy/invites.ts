/** Organisation invites: a one-time link (hashed in the database) that makes its holder a member. */
import type { Database } from "../database/prisma-client.js";
import type { OrgRole } from "../../generated/prisma/index.js";
import { hashSecret, newId, randomToken } from "../auth/secrets.js";
import { ApiError, notFound } from "../api/api-error.js";
import { createUser } from "./create-project.js";

const INVITE_DAYS = 7;

export async function createInvite(
  db: Database,
  organizationId: string,
  email: string,
  role: OrgRole,
): Promise<string> {
  const token = randomToken(40);
  const normalized = email.toLowerCase();
  const alreadyMember = await db.orgMember.findFirst({ where: { organizationId, user: { email: normalized } } });
  if (alreadyMember) throw new ApiError(409, `${normalized} is already a member`);
  await db.orgInvite.upsert({
    where: { organizationId_email: { organizationId, email: normalized } },
    create: {
      id: newId("invite_"),
      organizationId,
      email: normalized,
      role,
      tokenHash: hashSecret(token),
      expiresAt: new Date(Date.now() + INVITE_DAYS * 86_400_000),
    },
    update: {
      role,
      tokenHash: hashSecret(token),
      expiresAt: new Date(Date.now() + INVITE_DAYS * 86_400_000),
      acceptedAt: null,
    },
  });
  return token;
}

export async function findInvite(db: Database, token: string) {
  const invite = await db.orgInvite.findUnique({
    where: { tokenHash: hashSecret(token) },
    include: { organization: true },
  });
  if (!invite || invite.acceptedAt || invite.expiresAt < new Date())
    throw notFound("Invite (it may have expired or been used)");
  return invite;
}

/**
 * Accepts an invite for the logged-in user, or — with no session — for a new account under the invited email.
 * Returns the user who became a member.
 */
export async function acceptInvite(
  db: Database,
  token: string,
  as: { userId?: string; password?: string; name?: string },
): Promise<string> {
  const invite = await findInvite(db, token);
  let userId = as.userId;
  if (!userId) {
    const existing = await db.user.findUnique({ where: { email: invite.email } });
    if (existing)
      throw new ApiError(409, `An account for ${invite.email} exists: log in first, then open the invite link again`);
    if (!as.password || as.password.length < 8) throw new ApiError(400, "password: choose at least 8 characters");
    userId = await createUser(db, { email: invite.email, password: as.password, name: as.name });
  }
  const claimed = await db.orgInvite.updateMany({
    where: { id: invite.id, acceptedAt: null },
    data: { acceptedAt: new Date() },
  });
  if (claimed.count !== 1) throw notFound("Invite (it was just used)");
  await db.orgMember.upsert({
    where: { organizationId_userId: { organizationId: invite.organizationId, userId } },
    create: { id: newId("mem_"), organizationId: invite.organizationId, userId, role: invite.role },
    update: {},
  });
  return userId;
}
