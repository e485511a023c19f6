/**
 * The engine dispatcher's state in PostgreSQL: waiting runs in QueueDemand, admitted runs in QueueLease, queue
 * settings in QueueSetting, environments' and organisations' limits and weights in their own rows. Each admission
 * round is one statement whatever its size (lease-store-sql.ts), so the dispatcher commits thousands of admissions a
 * second instead of one transaction each. Every webapp process of the engine shares it: one that does not run the
 * dispatcher saves settings here and the leader loads what changed (`settingsChangedSince`).
 */
import type {
  DispatchCommit,
  DispatchSnapshot,
  LeaseStore,
  QueueGateKey,
  RateLimitSetting,
  SettingsChanges,
  StoredEnvironmentSettings,
  StoredOrganizationSettings,
  StoredQueueCounts,
  StoredQueueSettings,
} from "@stint/temporal-workers";
import { Prisma, sqlPool, type Database } from "../database/prisma-client.js";
import type { EnvironmentType } from "../../generated/prisma/index.js";
import { attemptPoolOf } from "../engine/environment-engines.js";
import { commitDispatchRound } from "./lease-store-sql.js";
import { readSettingsChangedAfter } from "./settings-changes-sql.js";

/**
 * Rows saved up to this long before the last one seen are read again: a process whose clock is behind the leader's
 * (or whose write committed late) is not missed. Reading a setting twice applies it twice, which changes nothing.
 */
const CLOCK_SLACK_MS = 60_000;

type QueueSettingRow = Awaited<ReturnType<Database["queueSetting"]["findMany"]>>[number];

const queueFromRow = ({
  settingsUpdatedAt: _,
  rateLimit,
  rateLimitPerKey,
  ...row
}: Omit<QueueSettingRow, "rateLimit" | "rateLimitPerKey"> & { rateLimit: unknown; rateLimitPerKey: unknown }) => ({
  ...row,
  rateLimit: (rateLimit as RateLimitSetting | null) ?? null,
  rateLimitPerKey: (rateLimitPerKey as RateLimitSetting | null) ?? null,
});

const json = (value: RateLimitSetting | null | undefined) =>
  value == null ? Prisma.DbNull : (value as unknown as Prisma.InputJsonValue);

/** The columns of an environment's scheduling settings, and their mapping (environment-limits.ts reads them too). */
export const environmentSelect = {
  id: true,
  type: true,
  concurrencyLimit: true,
  burstFactor: true,
  dispatchWeight: true,
  project: { select: { organizationId: true } },
} as const;

export function environmentFromRow(row: {
  id: string;
  type: EnvironmentType;
  concurrencyLimit: number;
  burstFactor: number;
  dispatchWeight: number;
  project: { organizationId: string };
}): StoredEnvironmentSettings {
  const pool = attemptPoolOf(row);
  return {
    environmentId: row.id,
    organizationId: row.project.organizationId,
    concurrencyLimit: row.concurrencyLimit,
    burstFactor: row.burstFactor,
    weight: row.dispatchWeight,
    ...(pool ? { pool } : {}),
  };
}

export const organizationSelect = { id: true, concurrencyLimit: true, dispatchWeight: true } as const;

export function organizationFromRow(row: {
  id: string;
  concurrencyLimit: number | null;
  dispatchWeight: number;
}): StoredOrganizationSettings {
  return { organizationId: row.id, concurrencyLimit: row.concurrencyLimit, weight: row.dispatchWeight };
}

export class PostgresLeaseStore implements LeaseStore {
  constructor(private readonly db: Database) {}

  async load(): Promise<DispatchSnapshot> {
    const [waiting, leases, queues, environments, organizations] = await Promise.all([
      this.db.queueDemand.findMany({ orderBy: { requestedAt: "asc" } }),
      this.db.queueLease.findMany(),
      this.db.queueSetting.findMany(),
      this.db.runtimeEnvironment.findMany({ select: environmentSelect }),
      this.db.organization.findMany({ select: organizationSelect }),
    ]);
    return {
      waiting: waiting.map((row) => ({ ...row, requestedAt: Number(row.requestedAt) })),
      leases: leases.map((row) => ({
        ...row,
        requestedAt: Number(row.requestedAt),
        renewedAt: Number(row.renewedAt),
      })),
      queues: queues.map(queueFromRow),
      environments: environments.map(environmentFromRow),
      organizations: organizations.map(organizationFromRow),
    };
  }

  async commit(change: DispatchCommit): Promise<void> {
    await commitDispatchRound(sqlPool(this.db), change);
  }

  async saveQueue(settings: StoredQueueSettings): Promise<void> {
    const row = {
      declaredLimit: settings.declaredLimit,
      overrideLimit: settings.overrideLimit,
      overriddenAt: settings.overriddenAt,
      defaultLimit: settings.defaultLimit,
      paused: settings.paused,
      concurrencyLimitPerKey: settings.concurrencyLimitPerKey ?? null,
      rateLimit: json(settings.rateLimit),
      rateLimitPerKey: json(settings.rateLimitPerKey),
      settingsUpdatedAt: new Date(),
    };
    await this.db.queueSetting.upsert({
      where: { environmentId_queue: { environmentId: settings.environmentId, queue: settings.queue } },
      create: { environmentId: settings.environmentId, queue: settings.queue, ...row },
      update: row,
    });
  }

  async loadQueue(key: QueueGateKey): Promise<StoredQueueSettings | undefined> {
    const row = await this.db.queueSetting.findUnique({ where: { environmentId_queue: key } });
    return row ? queueFromRow(row) : undefined;
  }

  async countQueue(key: QueueGateKey): Promise<StoredQueueCounts> {
    const where = { environmentId: key.environmentId, queue: key.queue };
    const [leased, waiting] = await Promise.all([
      this.db.queueLease.groupBy({ by: ["concurrencyKey"], where, _count: { _all: true } }),
      this.db.queueDemand.groupBy({ by: ["concurrencyKey"], where, _count: { _all: true } }),
    ]);
    const keys = new Map<string, { concurrencyKey: string; running: number; waiting: number }>();
    const entry = (concurrencyKey: string) => {
      let found = keys.get(concurrencyKey);
      if (!found) keys.set(concurrencyKey, (found = { concurrencyKey, running: 0, waiting: 0 }));
      return found;
    };
    for (const group of leased) entry(group.concurrencyKey).running += group._count._all;
    for (const group of waiting) entry(group.concurrencyKey).waiting += group._count._all;
    const shares = [...keys.values()].sort((a, b) => b.running - a.running || b.waiting - a.waiting);
    return {
      running: shares.reduce((sum, share) => sum + share.running, 0),
      waiting: shares.reduce((sum, share) => sum + share.waiting, 0),
      keys: shares.slice(0, 50),
    };
  }

  async saveEnvironment(settings: StoredEnvironmentSettings): Promise<void> {
    await this.db.runtimeEnvironment.update({
      where: { id: settings.environmentId },
      data: {
        concurrencyLimit: settings.concurrencyLimit,
        burstFactor: settings.burstFactor,
        dispatchWeight: settings.weight,
        settingsUpdatedAt: new Date(),
      },
    });
  }

  async saveOrganization(settings: StoredOrganizationSettings): Promise<void> {
    await this.db.organization.update({
      where: { id: settings.organizationId },
      data: {
        concurrencyLimit: settings.concurrencyLimit,
        dispatchWeight: settings.weight,
        settingsUpdatedAt: new Date(),
      },
    });
  }

  async settingsChangedSince(since: number | undefined): Promise<SettingsChanges> {
    if (since === undefined) return { queues: [], environments: [], organizations: [], cursor: Date.now() };
    const { queues, environments, organizations } = await readSettingsChangedAfter(
      sqlPool(this.db),
      new Date(since - CLOCK_SLACK_MS),
    );
    const seen = [...queues, ...environments, ...organizations].map((row) => row.settingsUpdatedAt.getTime());
    return {
      queues: queues.map(queueFromRow),
      environments: environments.map(({ organizationId, ...row }) =>
        environmentFromRow({ ...row, project: { organizationId } }),
      ),
      organizations: organizations.map(organizationFromRow),
      cursor: Math.max(since, ...seen),
    };
  }
}
