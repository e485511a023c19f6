/** The fair dispatcher's scheduling core: which waiting run starts next across tenants, under every cap. */
export { FairScheduler, type Admission } from "./fair-scheduler.js";
export { Gcra, type RateLimit } from "./gcra.js";
export type { Demand, EnvironmentSettings, LevelSettings, QueueSettings, SchedulerSettings } from "./demand.js";
