/**
 * An environment's and an organisation's scheduling settings as the dispatcher enforces them: the environment's
 * concurrency limit, burst factor (it runs up to floor(limit × burstFactor) at once) and weight among its
 * organisation's environments; the organisation's limit across its environments and weight among organisations.
 * Changes go through the engine, which applies them at once in the dispatcher's process or saves them to the
 * dispatcher's store (these rows) for the leader to load, so every webapp process may take them.
 */
import type { EnvironmentSettingsInput, OrganizationSettingsInput } from "@stint/temporal-workers";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import type { Database } from "../database/prisma-client.js";
import type { EnvironmentEngines } from "../engine/environment-engines.js";
import { notFound } from "../api/api-error.js";

export interface EnvironmentScheduling {
  concurrencyLimit: number;
  burstFactor: number;
  /** floor(concurrencyLimit × burstFactor): how many of its runs may execute at once. */
  maxRunning: number;
  weight: number;
}

export interface OrganizationScheduling {
  id: string;
  slug: string;
  /** null: no cap beyond its environments'. */
  concurrencyLimit: number | null;
  weight: number;
}

export class SchedulingSettings {
  constructor(
    private readonly db: Database,
    private readonly engines: EnvironmentEngines,
  ) {}

  async environment(environmentId: string): Promise<EnvironmentScheduling> {
    const row = await this.db.runtimeEnvironment.findUnique({
      where: { id: environmentId },
      select: { concurrencyLimit: true, burstFactor: true, dispatchWeight: true },
    });
    if (!row) throw notFound(`Environment ${environmentId}`);
    return {
      concurrencyLimit: row.concurrencyLimit,
      burstFactor: row.burstFactor,
      maxRunning: Math.floor(row.concurrencyLimit * row.burstFactor),
      weight: row.dispatchWeight,
    };
  }

  async setEnvironment(env: AuthenticatedEnvironment, input: EnvironmentSettingsInput): Promise<EnvironmentScheduling> {
    await this.engines.for(env).configureEnvironment(input);
    return this.environment(env.id);
  }

  async organization(organizationId: string): Promise<OrganizationScheduling> {
    const row = await this.db.organization.findUnique({
      where: { id: organizationId },
      select: { id: true, slug: true, concurrencyLimit: true, dispatchWeight: true },
    });
    if (!row) throw notFound(`Organisation ${organizationId}`);
    return { id: row.id, slug: row.slug, concurrencyLimit: row.concurrencyLimit, weight: row.dispatchWeight };
  }

  async setOrganization(organizationId: string, input: OrganizationSettingsInput): Promise<OrganizationScheduling> {
    await this.organization(organizationId);
    await this.engines.anyEngine().configureOrganization(organizationId, input);
    return this.organization(organizationId);
  }
}
