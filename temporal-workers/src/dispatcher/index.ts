/** The fair dispatcher: the scheduling core, the service around it and where it keeps its state. */
export { FairScheduler, type Admission } from "./fair-scheduler.js";
export { Gcra, type RateLimit } from "./gcra.js";
export type { Demand, EnvironmentSettings, LevelSettings, QueueSettings, SchedulerSettings } from "./demand.js";
export { Dispatcher, RunGoneError, type DispatcherOptions } from "./dispatcher.js";
export {
  DispatchSettings,
  DEFAULT_ORGANIZATION,
  applyQueueConfiguration,
  emptyQueueSettings,
  type EnvironmentLimits,
  type OrganizationLimits,
} from "./dispatch-settings.js";
export type {
  DispatchCommit,
  DispatchSnapshot,
  LeaseStore,
  SettingsChanges,
  StoredDemand,
  StoredEnvironmentSettings,
  StoredLease,
  StoredOrganizationSettings,
  StoredQueueCounts,
  StoredQueueSettings,
} from "./lease-store.js";
export { MemoryLeaseStore, processMemoryStore } from "./memory-lease-store.js";
export { localDispatcher, registerLocalDispatcher } from "./local-dispatchers.js";
export {
  hostDispatcher,
  type DispatcherHosting,
  type DispatcherLeadership,
  type HostedDispatcher,
} from "./dispatcher-host.js";
