/** Prisma Client over the `pg` driver adapter: no query engine binary, which cannot be downloaded offline. */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../../generated/prisma/index.js";

export type Database = PrismaClient;

/** The connection pool under each database's Prisma Client (see sqlPool). */
const pools = new WeakMap<Database, pg.Pool>();

/**
 * `maxConnections`: the pool's size. The embedded database takes one: its socket server (pglite-socket) runs every
 * connection's messages on one PGlite backend and keeps them apart only inside a transaction, so two connections'
 * extended-protocol messages can interleave (one's Bind meeting the other's Parse: "bind message supplies 13
 * parameters, but prepared statement requires 16", electric-sql/pglite#1046). PGlite runs one query at a time anyway.
 */
export function createDatabase(
  databaseUrl: string,
  { maxConnections = 10 }: { maxConnections?: number } = {},
): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections });
  // An idle connection that breaks (the server restarted) leaves the pool, and the next query opens another; without
  // a listener the pool's "error" event would end the process.
  pool.on("error", () => undefined);
  // $disconnect ends the pool too.
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(db, pool);
  return db;
}

/**
 * The pool under `db`'s Prisma Client, for the few statements on the hottest paths (what every trigger runs): Prisma
 * spends about a millisecond of CPU per query before the driver sees it, the pool a tenth of that. Throws for a
 * client this module did not create (a transaction's).
 */
export function sqlPool(db: Database): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error("this statement runs on the webapp's database pool (createDatabase), not a transaction");
  return pool;
}

export { Prisma } from "../../generated/prisma/index.js";
