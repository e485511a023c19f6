/** What a logged-in user may see: the environments of the projects of the organisations they belong to. */
import { environmentById, type AuthenticatedEnvironment } from "../auth/authenticate.js";
import type { Database } from "../database/prisma-client.js";
import { ApiError, notFound } from "../api/api-error.js";

export async function environmentForUser(
  db: Database,
  userId: string,
  environmentId: string,
): Promise<AuthenticatedEnvironment & { role: string }> {
  const env = await environmentById(db, environmentId);
  const member =
    env &&
    (await db.orgMember.findFirst({ where: { organizationId: env.organizationId, userId }, select: { role: true } }));
  if (!env || !member) throw notFound(`Environment ${environmentId}`);
  return { ...env, role: member.role };
}

export async function organizationForUser(
  db: Database,
  userId: string,
  organizationId: string,
): Promise<{ id: string; title: string; role: string }> {
  const member = await db.orgMember.findFirst({ where: { organizationId, userId }, include: { organization: true } });
  if (!member) throw notFound(`Organisation ${organizationId}`);
  return { id: member.organization.id, title: member.organization.title, role: member.role };
}

export function requireAdmin(env: { role: string }): void {
  if (env.role !== "ADMIN") throw new ApiError(403, "Only organisation admins can do this");
}

export async function overviewForUser(db: Database, userId: string) {
  const memberships = await db.orgMember.findMany({
    where: { userId },
    include: {
      organization: {
        include: {
          projects: {
            include: {
              environments: {
                select: { id: true, type: true, slug: true, secretKeyHint: true, secretKeyRotatedAt: true },
              },
            },
          },
        },
      },
    },
  });
  return memberships.map((m) => ({
    id: m.organization.id,
    title: m.organization.title,
    role: m.role,
    projects: m.organization.projects.map((p) => ({
      id: p.id,
      name: p.name,
      ref: p.ref,
      environments: p.environments,
    })),
  }));
}

/** Instance-wide settings (worker groups and their tokens) belong to the instance's admins, not to one organisation. */
export async function requireInstanceAdmin(db: Database, userId: string): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { isAdmin: true } });
  if (!user?.isAdmin) throw new ApiError(403, "Only the instance's admins can manage worker groups and their tokens");
}
