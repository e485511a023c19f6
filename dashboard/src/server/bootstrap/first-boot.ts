/**
 * First boot of an empty database: an admin user, a default organisation, the example project (`proj_hello_world`,
 * the ref of examples/hello-world's trigger.config.ts) with its environments, a personal access token for the admin,
 * and `.stint/dev.env`, which `source` exports to a shell: the API URL, the access token (`stint dev` finds or creates
 * the project its config names with it) and the example's development key (for apps that trigger its tasks). Later
 * boots read the key and token back from that file (the database only has their hashes).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parse } from "dotenv";
import type { Database } from "../database/prisma-client.js";
import type { SecretBox } from "../envvars/secret-box.js";
import { hashSecret, randomToken } from "../auth/secrets.js";
import { createAccessToken } from "../auth/access-tokens.js";
import { createOrganization, createProject, createUser } from "../tenancy/create-project.js";

/** The example project npm start runs (examples/hello-world): its own project, not anyone else's. */
export const EXAMPLE_PROJECT = { ref: "proj_hello_world", name: "Hello world" } as const;

export interface BootstrapResult {
  firstBoot: boolean;
  adminEmail: string;
  /** Only on first boot: the generated admin password. */
  adminPassword?: string;
  /** The first project's ref (the example's, since this version). */
  projectRef: string;
  /** The first project's development secret key, when known (first boot, or read back from dev.env). */
  devSecretKey?: string;
  /** The admin's personal access token in dev.env (TRIGGER_ACCESS_TOKEN), when known. */
  accessToken?: string;
}

interface BootstrapOptions {
  devEnvFile: string;
  apiUrl: string;
  /** Applies at first boot only (validated by the caller). */
  adminEmail: string;
  adminPassword?: string;
  /** Lines an operator needs: the admin login on first boot (printed once: only its hash is kept). */
  log: (line: string) => void;
  /** Seals the projects' keys so the webapp can hand a development key to its project's CLI. */
  secretBox: SecretBox;
}

export async function bootstrapDefaults(db: Database, options: BootstrapOptions): Promise<BootstrapResult> {
  const existing = await db.project.findFirst({
    orderBy: { createdAt: "asc" },
    include: { environments: { where: { type: "DEVELOPMENT" } } },
  });
  if (existing) return laterBoot(db, options, existing);

  const adminEmail = options.adminEmail;
  const adminPassword = options.adminPassword ?? randomToken(16);
  const userId = await createUser(db, { email: adminEmail, password: adminPassword, name: "Admin" });
  await db.user.update({ where: { id: userId }, data: { isAdmin: true } });
  const org = await createOrganization(db, "Default", userId);
  const project = await createProject(db, org.id, EXAMPLE_PROJECT.name, undefined, {
    ref: EXAMPLE_PROJECT.ref,
    secretBox: options.secretBox,
  });
  const devSecretKey = project.environments.find((env) => env.type === "DEVELOPMENT")!.secretKey;
  const { token: accessToken } = await createAccessToken(db, userId, "npm start (.stint/dev.env)");
  writeDevEnv(options.devEnvFile, {
    apiUrl: options.apiUrl,
    accessToken,
    devSecretKey,
    adminEmail,
    projectRef: project.ref,
  });
  options.log(
    `[webapp] First boot: created the admin account, organisation "Default" and project ${project.ref} (${EXAMPLE_PROJECT.name}).`,
  );
  options.log(
    `  Admin login:  ${adminEmail} / ${adminPassword}  (shown once; STINT_ADMIN_EMAIL chooses the address at first boot)`,
  );
  options.log(
    `  Access token: TRIGGER_ACCESS_TOKEN in ${options.devEnvFile} (stint dev finds or creates the project its config names)`,
  );
  return { firstBoot: true, adminEmail, adminPassword, projectRef: project.ref, devSecretKey, accessToken };
}

async function laterBoot(
  db: Database,
  options: BootstrapOptions,
  first: { ref: string; environments: { id: string; secretKeyHash: string; secretKeySealed: string | null }[] },
): Promise<BootstrapResult> {
  const saved = readDevEnv(options.devEnvFile);
  const devEnv = first.environments[0];
  const devSecretKey =
    saved.TRIGGER_SECRET_KEY && devEnv && hashSecret(saved.TRIGGER_SECRET_KEY) === devEnv.secretKeyHash
      ? saved.TRIGGER_SECRET_KEY
      : undefined;
  // Data folders from before keys were sealed: seal the one we know, so the CLI can be handed it.
  if (devSecretKey && devEnv && devEnv.secretKeySealed === null) {
    await db.runtimeEnvironment.updateMany({
      where: { id: devEnv.id, secretKeySealed: null },
      data: { secretKeySealed: options.secretBox.seal(devSecretKey) },
    });
  }
  const admin = await db.user.findFirst({
    where: { isAdmin: true },
    orderBy: { createdAt: "asc" },
    select: { id: true, email: true },
  });
  const adminEmail = admin?.email ?? options.adminEmail;
  if (admin && admin.email !== options.adminEmail && process.env.STINT_ADMIN_EMAIL) {
    options.log(`[webapp] STINT_ADMIN_EMAIL applies at first boot only: this data folder's admin is ${admin.email}`);
  }
  let accessToken: string | undefined;
  if (admin) {
    const savedToken = saved.TRIGGER_ACCESS_TOKEN;
    const row = savedToken
      ? await db.personalAccessToken.findUnique({ where: { tokenHash: hashSecret(savedToken) } })
      : null;
    // A data folder from before access tokens, or a token revoked since: the admin gets a new one in dev.env.
    accessToken =
      row && !row.revokedAt && row.userId === admin.id
        ? savedToken
        : (await createAccessToken(db, admin.id, "npm start (.stint/dev.env)")).token;
  }
  if (devSecretKey || accessToken)
    writeDevEnv(options.devEnvFile, {
      apiUrl: options.apiUrl,
      accessToken,
      devSecretKey,
      adminEmail,
      projectRef: first.ref,
    });
  return { firstBoot: false, adminEmail, projectRef: first.ref, devSecretKey, accessToken };
}

function readDevEnv(file: string): Record<string, string | undefined> {
  return existsSync(file) ? parse(readFileSync(file, "utf8")) : {};
}

function writeDevEnv(
  file: string,
  values: { apiUrl: string; accessToken?: string; devSecretKey?: string; adminEmail: string; projectRef: string },
): void {
  const lines = [
    "# Written by the Stint webapp. `source .stint/dev.env` exports these to your shell:",
    `#   TRIGGER_ACCESS_TOKEN  ${values.adminEmail}'s personal access token: \`stint dev\` finds (or creates) the project`,
    "#                         its trigger.config.ts names and runs as a session of its development environment;",
    `#   TRIGGER_SECRET_KEY    the development key of project ${values.projectRef}, for apps that trigger its tasks.`,
    `export TRIGGER_API_URL=${values.apiUrl}`,
    ...(values.accessToken ? [`export TRIGGER_ACCESS_TOKEN=${values.accessToken}`] : []),
    ...(values.devSecretKey ? [`export TRIGGER_SECRET_KEY=${values.devSecretKey}`] : []),
  ];
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600 });
}
