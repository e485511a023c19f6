/** Organisations, projects and their environments, each environment with freshly issued keys. */
import type { Database } from "../database/prisma-client.js";
import type { EnvironmentType } from "../../generated/prisma/index.js";
import { newPublicKey, newSecretKey } from "../auth/api-keys.js";
import { hashPassword, newId, randomToken } from "../auth/secrets.js";
import type { SecretBox } from "../envvars/secret-box.js";

export const ENVIRONMENT_SLUGS: Record<EnvironmentType, string> = {
  DEVELOPMENT: "dev",
  STAGING: "staging",
  PRODUCTION: "prod",
  PREVIEW: "preview",
};

export interface CreatedEnvironment {
  id: string;
  type: EnvironmentType;
  slug: string;
  /** Shown once: only its hash is stored. */
  secretKey: string;
  publicKey: string;
}

export interface CreatedProject {
  id: string;
  ref: string;
  slug: string;
  environments: CreatedEnvironment[];
}

export function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 48) || "project"
  );
}

export async function createOrganization(
  db: Database,
  title: string,
  ownerUserId?: string,
): Promise<{ id: string; slug: string }> {
  const id = newId("org_");
  const slug = `${slugify(title)}-${randomToken(4)}`;
  await db.organization.create({
    data: {
      id,
      slug,
      title,
      members: ownerUserId ? { create: { id: newId("mem_"), userId: ownerUserId, role: "ADMIN" } } : undefined,
    },
  });
  return { id, slug };
}

export interface CreateProjectOptions {
  /** The project's ref (the `project` of its trigger.config.ts); default a new `proj_…`. */
  ref?: string;
  /** Seals each environment's secret key at once, so the webapp can hand the key to its project's members' CLI. */
  secretBox?: SecretBox;
}

export async function createProject(
  db: Database,
  organizationId: string,
  name: string,
  types: EnvironmentType[] = ["DEVELOPMENT", "STAGING", "PRODUCTION"],
  options: CreateProjectOptions = {},
): Promise<CreatedProject> {
  const projectId = newId("project_");
  const ref = options.ref ?? `proj_${randomToken(20)}`;
  const taken = await db.project.findFirst({ where: { organizationId, slug: slugify(name) }, select: { id: true } });
  const slug = taken ? `${slugify(name).slice(0, 40)}-${randomToken(4)}` : slugify(name);
  const environments = types.map((type) => ({
    id: newId("env_"),
    type,
    slug: ENVIRONMENT_SLUGS[type],
    secret: newSecretKey(type),
    public: newPublicKey(type),
  }));
  await db.project.create({
    data: {
      id: projectId,
      ref,
      slug,
      name,
      organizationId,
      environments: {
        create: environments.map((env) => ({
          id: env.id,
          type: env.type,
          slug: env.slug,
          secretKeyHash: env.secret.hash,
          secretKeyHint: env.secret.hint,
          secretKeySealed: options.secretBox?.seal(env.secret.key),
          publicKeyHash: env.public.hash,
          publicKeyHint: env.public.hint,
          jwtSigningSecret: randomToken(48),
        })),
      },
    },
  });
  return {
    id: projectId,
    ref,
    slug,
    environments: environments.map((env) => ({
      id: env.id,
      type: env.type,
      slug: env.slug,
      secretKey: env.secret.key,
      publicKey: env.public.key,
    })),
  };
}

/** Issues a new secret key for an environment; the old one stops working at once. `secretBox` seals the new one. */
export async function rotateSecretKey(db: Database, environmentId: string, secretBox?: SecretBox): Promise<string> {
  const env = await db.runtimeEnvironment.findUniqueOrThrow({ where: { id: environmentId }, select: { type: true } });
  const secret = newSecretKey(env.type);
  await db.runtimeEnvironment.update({
    where: { id: environmentId },
    // The sealed copy belonged to the old key: tokens the SDK signed with it stop working too.
    data: {
      secretKeyHash: secret.hash,
      secretKeyHint: secret.hint,
      secretKeyRotatedAt: new Date(),
      secretKeySealed: secretBox?.seal(secret.key) ?? null,
    },
  });
  return secret.key;
}

/** A user with a password, optionally made a member of an organisation. */
export async function createUser(
  db: Database,
  user: { email: string; password: string; name?: string; organizationId?: string; role?: "ADMIN" | "MEMBER" },
): Promise<string> {
  const id = newId("user_");
  await db.user.create({
    data: {
      id,
      email: user.email.toLowerCase(),
      name: user.name,
      passwordHash: await hashPassword(user.password),
      memberships: user.organizationId
        ? { create: { id: newId("mem_"), organizationId: user.organizationId, role: user.role ?? "MEMBER" } }
        : undefined,
    },
  });
  return id;
}
