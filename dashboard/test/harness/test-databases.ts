/**
 * Each test run's databases share a prefix of their own, so the run's teardown can drop exactly them: left behind,
 * hundreds of databases from earlier runs make a restarted PostgreSQL spend minutes in crash recovery.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export function newTestDatabasePrefix(): string {
  return `stint_test_${randomBytes(4).toString("hex")}`;
}

/** Drops the run's databases, even with connections left open (a test that failed mid-way). */
export async function dropTestDatabases(adminUrl: string, prefix: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
      [`${prefix}_`],
    );
    for (const { datname } of rows)
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch((error: Error) => {
        console.error(`[test databases] could not drop ${datname}: ${error.message}`);
      });
  } finally {
    await admin.end();
  }
}
