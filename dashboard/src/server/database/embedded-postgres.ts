/**
 * The embedded default database: PGlite (PostgreSQL in WebAssembly, data in a folder) served on loopback over the
 * Postgres wire protocol, so Prisma, `pg` and the Prisma CLI talk to it exactly as to a real server.
 */
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * initdb writes shared_buffers = 128MB, which PostgreSQL keeps inside PGlite's WebAssembly memory, resident for the
 * life of the process (about 130 MB of the webapp's idle RSS). The embedded database is small and its files sit in
 * the OS page cache anyway, so 16 MB of buffers is plenty; a deployment with more data sets DATABASE_URL.
 */
const SHARED_BUFFERS = "16MB";

export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, {
    startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${SHARED_BUFFERS}`],
  });
  // Without maxConnections a second client is dropped; queries from all connections are queued onto one.
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port, maxConnections: 32 });
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
