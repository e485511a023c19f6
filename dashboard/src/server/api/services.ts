/** What the API's route handlers work with: the database, key authentication and the per-environment engines. */
import type { Hono } from "hono";
import type { AuthenticatedEnvironment, EnvironmentAuthenticator } from "../auth/authenticate.js";
import type { Database } from "../database/prisma-client.js";
import type { EnvironmentEngines } from "../engine/environment-engines.js";
import type { RunDispatcher } from "../runs/run-dispatcher.js";
import type { ScheduleService } from "../schedules/schedule-service.js";
import type { SchedulingSettings } from "../queues/scheduling-settings.js";
import type { QueueService } from "../queues/queue-service.js";
import type { SecretBox } from "../envvars/secret-box.js";
import type { EventStore } from "../events/event-store.js";
import type { EnvironmentPackets } from "../packets/environment-packets.js";
import type { EngineHealth } from "../engine/engine-health.js";
import type { DeploymentService } from "../deployments/index.js";

export interface ApiServices {
  db: Database;
  auth: EnvironmentAuthenticator;
  engines: EnvironmentEngines;
  /** Starts runs the trigger API accepted into the outbox. */
  dispatcher: RunDispatcher;
  schedules: ScheduleService;
  /** Queues: declared limits, pause, overrides, per-key limits and rate limits (enforced by the engine's dispatcher). */
  queues: QueueService;
  /** Environments' and organisations' limits, burst factors and weights (enforced by the engine's dispatcher). */
  scheduling: SchedulingSettings;
  /** Encrypts environment variable values at rest. */
  secretBox: SecretBox;
  /** Run logs and events. */
  events: EventStore;
  /** Whether Temporal is reachable, and deadlines for the Temporal calls of a request. */
  engineHealth: EngineHealth;
  /** Base URL the webapp is reached at, for URLs handed out (token callbacks). */
  publicUrl: () => string;
  /** Large payloads and outputs: each environment's folder of the object store. */
  packets: EnvironmentPackets;
  /** Versions of deployed environments (`stint deploy`) and the current one of each. */
  deployments: DeploymentService;
}

export type ApiEnv = { Variables: { env: AuthenticatedEnvironment } };
export type ApiApp = Hono<ApiEnv>;
