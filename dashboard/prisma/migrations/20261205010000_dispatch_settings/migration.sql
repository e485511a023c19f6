-- Scheduling settings beyond pause and limits: per-key limits and rate limits of queues, an environment's burst
-- factor and weight, an organisation's limit and weight. `settingsUpdatedAt` lets the dispatcher's leader load what
-- another webapp process saved.
ALTER TABLE "QueueSetting" ADD COLUMN "concurrencyLimitPerKey" INTEGER;
ALTER TABLE "QueueSetting" ADD COLUMN "rateLimit" JSONB;
ALTER TABLE "QueueSetting" ADD COLUMN "rateLimitPerKey" JSONB;
ALTER TABLE "QueueSetting" ADD COLUMN "settingsUpdatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
CREATE INDEX "QueueSetting_settingsUpdatedAt_idx" ON "QueueSetting"("settingsUpdatedAt");

ALTER TABLE "RuntimeEnvironment" ADD COLUMN "burstFactor" DOUBLE PRECISION NOT NULL DEFAULT 2;
ALTER TABLE "RuntimeEnvironment" ADD COLUMN "dispatchWeight" DOUBLE PRECISION NOT NULL DEFAULT 1;
ALTER TABLE "RuntimeEnvironment" ADD COLUMN "settingsUpdatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

ALTER TABLE "Organization" ADD COLUMN "concurrencyLimit" INTEGER;
ALTER TABLE "Organization" ADD COLUMN "dispatchWeight" DOUBLE PRECISION NOT NULL DEFAULT 1;
ALTER TABLE "Organization" ADD COLUMN "settingsUpdatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
