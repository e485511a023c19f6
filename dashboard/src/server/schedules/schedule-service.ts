/**
 * Imperative and declarative schedules: the database keeps the list the API pages through, the engine
 * (EngineSchedules) keeps each one firing on Temporal.
 */
import { CronExpressionParser } from "cron-parser";
import cronstrue from "cronstrue";
import { isUnknownTimezoneError, type EngineSchedules, type ScheduleFireInput } from "@stint/temporal-workers";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import type { Database } from "../database/prisma-client.js";
import type { EnvironmentEngines } from "../engine/environment-engines.js";
import { attemptQueueFor } from "../engine/environment-engines.js";
import { ApiError, notFound } from "../api/api-error.js";
import { newId } from "../auth/secrets.js";
import { ianaTimezone, icuTimezoneId } from "./timezones.js";
import type { TaskSchedule } from "../../generated/prisma/index.js";
import { currentDeploymentVersion } from "../deployments/read-deployment-bundle.js";

export interface ScheduleInput {
  task: string;
  cron: string;
  timezone?: string;
  externalId?: string;
}

/** The timezone as it is stored, after checking it and the cron expression in it. */
export function checkCron(cron: string, requestedTimezone: string): string {
  const timezone = ianaTimezone(requestedTimezone);
  if (!timezone)
    throw new ApiError(
      400,
      `timezone: "${requestedTimezone}" is not an IANA timezone name; use one like "Europe/Paris" or "Asia/Kolkata" (GET /api/v1/timezones lists them)`,
    );
  if (cron.trim().split(/\s+/).length !== 5)
    throw new ApiError(
      400,
      `cron: "${cron}" must have 5 fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * 1"`,
    );
  try {
    CronExpressionParser.parse(cron, { tz: timezone });
  } catch (error) {
    throw new ApiError(400, `cron: "${cron}" is not a valid cron expression (${(error as Error).message})`);
  }
  return timezone;
}

export class ScheduleService {
  constructor(
    private readonly db: Database,
    private readonly temporalSchedules: EngineSchedules,
    private readonly engines: EnvironmentEngines,
  ) {}

  private async fireInput(
    env: AuthenticatedEnvironment,
    row: Pick<TaskSchedule, "id" | "type" | "taskIdentifier" | "cron" | "timezone" | "externalId">,
  ): Promise<ScheduleFireInput> {
    const engine = this.engines.for(env);
    // A deployed environment's firings run its current version (refreshed on each deploy and promote).
    const version = env.type === "DEVELOPMENT" ? undefined : await currentDeploymentVersion({ db: this.db }, env.id);
    return {
      scheduleId: row.id,
      type: row.type as ScheduleFireInput["type"],
      taskIdentifier: row.taskIdentifier,
      cron: row.cron,
      timezone: row.timezone,
      externalId: row.externalId ?? undefined,
      placement: {
        environment: engine.options.environment,
        attemptQueue: attemptQueueFor(env),
        settings: engine.settings,
        depth: 0,
        triggerFunction: "trigger",
        ...(version ? { version } : {}),
      },
    };
  }

  /** Returns the row as stored: its timezone is respelled when Temporal does not know the name as written. */
  private async upsertTemporalSchedule(env: AuthenticatedEnvironment, row: TaskSchedule): Promise<TaskSchedule> {
    try {
      await this.temporalSchedules.put({
        id: row.id,
        cron: row.cron,
        timezone: row.timezone,
        active: row.active,
        fire: await this.fireInput(env, row),
      });
      return row;
    } catch (error) {
      // A link spelled with odd capitals ("Asia/KOLKATA"): ICU knows it, the tz database Temporal reads is
      // case-sensitive. The row is already written, so rather than refuse, store ICU's id of the same zone.
      const icuId = icuTimezoneId(row.timezone);
      if (!isUnknownTimezoneError(error) || !icuId || icuId === row.timezone) throw error;
      const respelled = await this.db.taskSchedule.update({ where: { id: row.id }, data: { timezone: icuId } });
      return this.upsertTemporalSchedule(env, respelled);
    }
  }

  nextRun(id: string): Promise<Date | undefined> {
    return this.temporalSchedules.nextRun(id);
  }

  async present(env: AuthenticatedEnvironment, row: TaskSchedule) {
    let description = row.cron;
    try {
      description = cronstrue.toString(row.cron);
    } catch {
      // Keep the expression itself.
    }
    return {
      id: row.id,
      type: row.type,
      task: row.taskIdentifier,
      active: row.active,
      deduplicationKey: row.deduplicationKey,
      externalId: row.externalId ?? undefined,
      generator: { type: "CRON" as const, expression: row.cron, description },
      timezone: row.timezone,
      nextRun: row.active ? await this.nextRun(row.id) : undefined,
      environments: [{ id: env.id, type: env.type }],
    };
  }

  /** Trigger.dev semantics: creating with a deduplication key that exists updates that schedule. */
  async create(
    env: AuthenticatedEnvironment,
    input: ScheduleInput & { deduplicationKey: string },
    type: "IMPERATIVE" | "DECLARATIVE" = "IMPERATIVE",
  ) {
    const timezone = checkCron(input.cron, input.timezone ?? "UTC");
    const upsert = () =>
      this.db.taskSchedule.upsert({
        where: { environmentId_deduplicationKey: { environmentId: env.id, deduplicationKey: input.deduplicationKey } },
        create: {
          id: newId("sched_"),
          environmentId: env.id,
          taskIdentifier: input.task,
          type,
          cron: input.cron,
          timezone,
          externalId: input.externalId,
          deduplicationKey: input.deduplicationKey,
        },
        update: { taskIdentifier: input.task, cron: input.cron, timezone, externalId: input.externalId },
      });
    // Two creates with one key at once: the loser of the insert race finds the winner's row on its second try.
    const row = await upsert().catch((error: { code?: string }) => {
      if (error.code === "P2002") return upsert();
      throw error;
    });
    return this.present(env, await this.upsertTemporalSchedule(env, row));
  }

  async get(env: AuthenticatedEnvironment, id: string): Promise<TaskSchedule> {
    const row = await this.db.taskSchedule.findFirst({ where: { id, environmentId: env.id } });
    if (!row) throw notFound(`Schedule ${id}`);
    return row;
  }

  async update(env: AuthenticatedEnvironment, id: string, input: ScheduleInput) {
    const existing = await this.get(env, id);
    if (existing.type === "DECLARATIVE")
      throw new ApiError(400, "This schedule is declared in code (schedules.task cron): change it there");
    const timezone = checkCron(input.cron, input.timezone ?? existing.timezone);
    const row = await this.db.taskSchedule.update({
      where: { id },
      data: { taskIdentifier: input.task, cron: input.cron, timezone, externalId: input.externalId },
    });
    return this.present(env, await this.upsertTemporalSchedule(env, row));
  }

  async setActive(env: AuthenticatedEnvironment, id: string, active: boolean) {
    await this.get(env, id);
    const row = await this.db.taskSchedule.update({ where: { id }, data: { active } });
    await this.temporalSchedules.setActive(id, active, `${active ? "activated" : "deactivated"} through the API`);
    return this.present(env, row);
  }

  async delete(env: AuthenticatedEnvironment, id: string): Promise<{ id: string }> {
    const existing = await this.get(env, id);
    if (existing.type === "DECLARATIVE")
      throw new ApiError(400, "This schedule is declared in code (schedules.task cron): remove it there");
    await this.temporalSchedules.remove(id);
    await this.db.taskSchedule.delete({ where: { id } });
    return { id };
  }

  /** Brings every schedule of the environment up to its current deployment (a firing starts a run of that version). */
  async refreshVersions(
    env: AuthenticatedEnvironment,
    only: { type?: "IMPERATIVE" | "DECLARATIVE" } = {},
  ): Promise<void> {
    const rows = await this.db.taskSchedule.findMany({
      where: { environmentId: env.id, ...(only.type ? { type: only.type } : {}) },
    });
    for (const row of rows) await this.upsertTemporalSchedule(env, row);
  }

  /** Removes the declarative schedules of tasks that are not in `tasks` (the version now deployed declares none for them). */
  async removeDeclarativeExcept(env: AuthenticatedEnvironment, tasks: string[]): Promise<void> {
    const stale = await this.db.taskSchedule.findMany({
      where: { environmentId: env.id, type: "DECLARATIVE", taskIdentifier: { notIn: tasks } },
    });
    for (const row of stale) {
      await this.temporalSchedules.remove(row.id);
      await this.db.taskSchedule.delete({ where: { id: row.id } });
    }
  }

  async list(env: AuthenticatedEnvironment, page: number, perPage: number) {
    const [count, rows] = await Promise.all([
      this.db.taskSchedule.count({ where: { environmentId: env.id } }),
      this.db.taskSchedule.findMany({
        where: { environmentId: env.id },
        orderBy: { createdAt: "desc" },
        skip: (page - 1) * perPage,
        take: perPage,
      }),
    ]);
    return {
      data: await Promise.all(rows.map((row) => this.present(env, row))),
      pagination: { currentPage: page, totalPages: Math.max(1, Math.ceil(count / perPage)), count },
    };
  }
}
