-- The engine dispatcher's durable state: waiting runs (demands), admitted runs (leases) and queue settings.
CREATE TABLE "QueueDemand" (
    "runId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "concurrencyKey" TEXT NOT NULL DEFAULT '',
    "requestedAt" BIGINT NOT NULL,
    "ticket" INTEGER NOT NULL,
    CONSTRAINT "QueueDemand_pkey" PRIMARY KEY ("runId")
);
CREATE INDEX "QueueDemand_environmentId_queue_idx" ON "QueueDemand"("environmentId", "queue");

CREATE TABLE "QueueLease" (
    "runId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "concurrencyKey" TEXT NOT NULL DEFAULT '',
    "requestedAt" BIGINT NOT NULL,
    "ticket" INTEGER NOT NULL,
    "renewedAt" BIGINT NOT NULL,
    CONSTRAINT "QueueLease_pkey" PRIMARY KEY ("runId")
);
CREATE INDEX "QueueLease_environmentId_queue_idx" ON "QueueLease"("environmentId", "queue");

CREATE TABLE "QueueSetting" (
    "environmentId" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "declaredLimit" INTEGER,
    "overrideLimit" INTEGER,
    "overriddenAt" TEXT,
    "defaultLimit" INTEGER NOT NULL,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "QueueSetting_pkey" PRIMARY KEY ("environmentId","queue")
);
