/**
 * `stint dev` with a personal access token: the project its trigger.config.ts names, found among the projects of the
 * user's organisations — or created in the user's first organisation, with that ref — and its development key.
 */
import { z } from "zod";
import type { Database } from "../database/prisma-client.js";
import type { SecretBox } from "../envvars/secret-box.js";
import { ApiError } from "../api/api-error.js";
import { createProject } from "./create-project.js";

/** Trigger.dev refs are `proj_` and 20 letters; the example's `proj_hello_world` and hand-written refs are fine too. */
export const projectRefSchema = z
  .string()
  .regex(
    /^proj_[a-z0-9_-]{1,60}$/,
    'a project ref is "proj_" then lowercase letters, digits, "_" or "-" (as trigger.config.ts\'s `project`)',
  );

export interface ResolvedProject {
  project: { id: string; ref: string; name: string; organization: { id: string; title: string } };
  created: boolean;
  environment: { id: string; type: "DEVELOPMENT"; slug: string };
  /** The development environment's secret key. */
  secretKey: string;
}

export async function resolveOrCreateProject(
  db: Database,
  secretBox: SecretBox,
  userId: string,
  ref: string,
  name: string | undefined,
): Promise<ResolvedProject> {
  const found = await findProject(db, secretBox, userId, ref);
  if (found) return found;
  const membership = await db.orgMember.findFirst({
    where: { userId },
    orderBy: { createdAt: "asc" },
    include: { organization: true },
  });
  if (!membership)
    throw new ApiError(
      403,
      `You belong to no organisation, so project ${ref} cannot be created: ask an admin for an invite`,
    );
  try {
    await createProject(db, membership.organizationId, name ?? ref.replace(/^proj_/, ""), undefined, {
      ref,
      secretBox,
    });
  } catch (error) {
    // Another `stint dev` created it a moment ago: use that one.
    if ((error as { code?: string }).code !== "P2002") throw error;
  }
  const created = await findProject(db, secretBox, userId, ref);
  if (!created) throw new ApiError(409, `project ${ref} could not be created: try again`);
  return { ...created, created: true };
}

async function findProject(
  db: Database,
  secretBox: SecretBox,
  userId: string,
  ref: string,
): Promise<ResolvedProject | undefined> {
  const project = await db.project.findUnique({
    where: { ref },
    include: {
      organization: { include: { members: { where: { userId } } } },
      environments: { where: { type: "DEVELOPMENT" } },
    },
  });
  if (!project) return undefined;
  if (project.organization.members.length === 0) {
    throw new ApiError(
      403,
      `project ${ref} belongs to an organisation you are not a member of: ask one of its admins to invite you, or name another project in trigger.config.ts`,
    );
  }
  const dev = project.environments[0];
  if (!dev) throw new ApiError(409, `project ${ref} has no development environment`);
  let secretKey: string | undefined;
  try {
    secretKey = dev.secretKeySealed ? secretBox.open(dev.secretKeySealed) : undefined;
  } catch {
    secretKey = undefined;
  }
  if (!secretKey) {
    throw new ApiError(
      409,
      `The development key of project ${ref} is stored only as a hash (it was created before keys were kept sealed, or the webapp's encryption key changed), so it cannot be handed out: ` +
        "rotate it once on the dashboard (API keys), or pass it to stint dev with TRIGGER_SECRET_KEY",
    );
  }
  return {
    project: {
      id: project.id,
      ref: project.ref,
      name: project.name,
      organization: { id: project.organization.id, title: project.organization.title },
    },
    created: false,
    environment: { id: dev.id, type: "DEVELOPMENT", slug: dev.slug },
    secretKey,
  };
}
