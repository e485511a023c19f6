/** Creates an empty database on a PostgreSQL server (tests and benchmarks each get their own). */
import { randomUUID } from "node:crypto";
import pg from "pg";

export async function createEmptyDatabase(adminUrl: string, prefix = "stint"): Promise<string> {
  const name = `${prefix}_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
