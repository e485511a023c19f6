/**
 * First boot of an empty database: an admin user, a default organisation and project with its environments, and
 * `.stint/dev.env` holding the development API URL and secret key for apps and `stint dev`. Later boots read the key
 * back from that file (the database only has its hash).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Database } from "../database/prisma-client.js";
import { hashSecret, randomToken } from "../auth/secrets.js";
import { createOrganization, createProject, createUser } from "../tenancy/create-project.js";

export interface BootstrapResult {
  firstBoot: boolean;
  adminEmail: string;
  /** Only on first boot: the generated admin password. */
  adminPassword?: string;
  projectRef: string;
  /** The development secret key, when known (first boot, or read back from dev.env). */
  devSecretKey?: string;
}

/**
 * `adminEmail` applies at first boot only (validated by the caller); `log` gets the lines an operator needs: the
 * admin login on first boot (printed once: only its hash is kept).
 */
export async function bootstrapDefaults(db: Database, options: { devEnvFile: string; apiUrl: string; adminEmail: string; adminPassword?: string; log: (line: string) => void }): Promise<BootstrapResult> {
  const existing = await db.project.findFirst({ orderBy: { createdAt: "asc" }, include: { environments: { where: { type: "DEVELOPMENT" } } } });
  if (existing) {
    const devEnv = existing.environments[0];
    const saved = readDevEnvKey(options.devEnvFile);
    const devSecretKey = saved && devEnv && hashSecret(saved) === devEnv.secretKeyHash ? saved : undefined;
    if (devSecretKey) writeDevEnv(options.devEnvFile, options.apiUrl, devSecretKey);
    const admin = await db.user.findFirst({ where: { isAdmin: true }, orderBy: { createdAt: "asc" }, select: { email: true } });
    const adminEmail = admin?.email ?? options.adminEmail;
    if (admin && admin.email !== options.adminEmail && process.env.STINT_ADMIN_EMAIL) {
      options.log(`[webapp] STINT_ADMIN_EMAIL applies at first boot only: this data folder's admin is ${admin.email}`);
    }
    return { firstBoot: false, adminEmail, projectRef: existing.ref, devSecretKey };
  }
  const adminEmail = options.adminEmail;
  const adminPassword = options.adminPassword ?? randomToken(16);
  const userId = await createUser(db, { email: adminEmail, password: adminPassword, name: "Admin" });
  await db.user.update({ where: { id: userId }, data: { isAdmin: true } });
  const org = await createOrganization(db, "Default", userId);
  const project = await createProject(db, org.id, "Example");
  const devSecretKey = project.environments.find((env) => env.type === "DEVELOPMENT")!.secretKey;
  writeDevEnv(options.devEnvFile, options.apiUrl, devSecretKey);
  options.log(`[webapp] First boot: created the admin account, organisation "Default" and project ${project.ref}.`);
  options.log(`  Admin login:  ${adminEmail} / ${adminPassword}  (shown once; STINT_ADMIN_EMAIL chooses the address at first boot)`);
  return { firstBoot: true, adminEmail, adminPassword, projectRef: project.ref, devSecretKey };
}

function readDevEnvKey(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  return /^TRIGGER_SECRET_KEY=(.+)$/m.exec(readFileSync(file, "utf8"))?.[1]?.trim();
}

function writeDevEnv(file: string, apiUrl: string, secretKey: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `# Written by the Stint webapp: the development environment's API URL and secret key.\nTRIGGER_API_URL=${apiUrl}\nTRIGGER_SECRET_KEY=${secretKey}\n`, { mode: 0o600 });
}
