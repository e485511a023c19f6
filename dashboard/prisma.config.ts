// Prisma CLI configuration: migrations run through the WebAssembly schema engine with a pg driver adapter,
// because the native engine cannot be downloaded offline (see src/server/database/migration-pg-adapter.ts).
import { defineConfig } from "prisma/config";
import { MigrationPgAdapter } from "./src/server/database/migration-pg-adapter.ts";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: prisma migrate needs the database to migrate");
    return new MigrationPgAdapter(url);
  },
});
