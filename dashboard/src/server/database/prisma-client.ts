/** Prisma Client over the `pg` driver adapter: no query engine binary, which cannot be downloaded offline. */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../generated/prisma/index.js";

export type Database = PrismaClient;

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
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: maxConnections }) });
}

export { Prisma } from "../../generated/prisma/index.js";
