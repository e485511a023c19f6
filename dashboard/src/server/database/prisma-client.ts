/** Prisma Client over the `pg` driver adapter: no query engine binary, which cannot be downloaded offline. */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../generated/prisma/index.js";

export type Database = PrismaClient;

export function createDatabase(databaseUrl: string): Database {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 10 }) });
}

export { Prisma } from "../../generated/prisma/index.js";
