/**
 * `@prisma/adapter-pg` 6.19.3 adjusted for Prisma's WebAssembly schema engine: the only way `prisma migrate` runs
 * offline (no native engine can be downloaded). Used by `prisma.config.ts` only; runtime queries use the stock adapter.
 * Each adjustment fixes one upstream problem:
 * 1. catalog columns of type `name` (OID 19) and `"char"` (OID 18) are rejected as unsupported (prisma/orm#27403):
 *    their text values are plain strings, so they are reported as `text` (OID 25);
 * 2. `executeScript` splits scripts on every `;`, which breaks `$$` function bodies: the script goes as one query;
 * 3. the shadow database pool is built from a connection string that overrides the shadow database's name: it gets
 *    separate connection fields instead, and is closed before the shadow database is dropped;
 * 4. migrations applied to the shadow database arrive as one parameterless `executeRaw` holding many statements, which
 *    PostgreSQL refuses over the extended protocol: parameterless statements go over the simple protocol;
 * 5. a short idle timeout, so a finished command exits promptly.
 */
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

const CATALOG_TEXT_OIDS = new Set([18, 19]);
const TEXT_OID = 25;

type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;

/** The adapter's internals these fixes reach into (private in its typings, stable in 6.19.3's code). */
interface AdapterInternals {
  client: pg.Pool | pg.PoolClient;
  performIO(query: unknown): Promise<pg.QueryResult>;
  executeRaw(query: { sql: string; args: unknown[] }): Promise<number>;
  onError(error: unknown): never;
  startTransaction?(isolationLevel?: unknown): Promise<unknown>;
  executeScript?(script: string): Promise<void>;
}

function adjust<T>(queryable: T): T {
  const internals = queryable as unknown as AdapterInternals;
  const performIO = internals.performIO.bind(internals);
  internals.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    return result;
  };
  const executeRaw = internals.executeRaw.bind(internals);
  internals.executeRaw = async (query) => {
    if (query.args.length > 0) return executeRaw(query);
    try {
      const results = (await internals.client.query(query.sql)) as pg.QueryResult | pg.QueryResult[];
      return (Array.isArray(results) ? results : [results]).reduce((sum, result) => sum + (result.rowCount ?? 0), 0);
    } catch (error) {
      return internals.onError(error);
    }
  };
  if (internals.executeScript) {
    internals.executeScript = async (script) => {
      try {
        await internals.client.query(script);
      } catch (error) {
        internals.onError(error);
      }
    };
  }
  const startTransaction = internals.startTransaction?.bind(internals);
  if (startTransaction)
    internals.startTransaction = async (isolationLevel) => adjust(await startTransaction(isolationLevel));
  return queryable;
}

function connectionFields(connectionString: string): pg.PoolConfig {
  const url = new URL(connectionString);
  return {
    host: decodeURIComponent(url.hostname),
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)),
    idleTimeoutMillis: 200,
  };
}

export class MigrationPgAdapter extends PrismaPg {
  private readonly fields: pg.PoolConfig;

  constructor(connectionString: string) {
    const fields = connectionFields(connectionString);
    super(fields);
    this.fields = fields;
  }

  override async connect(): Promise<Adapter> {
    return adjust(await super.connect());
  }

  override async connectToShadowDb(): Promise<Adapter> {
    const main = await this.connect();
    const database = `prisma_migrate_shadow_db_${randomUUID().replace(/-/g, "")}`;
    await main.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = await new PrismaPg({ ...this.fields, database }).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await main.executeScript(`DROP DATABASE "${database}"`);
      await main.dispose();
    };
    return adjust(shadow);
  }
}
