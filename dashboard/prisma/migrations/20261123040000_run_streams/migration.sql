-- Realtime streams: a run's named streams and their chunks (written by task code, read by the SDK over SSE).
CREATE TABLE "RunStream" (
    "runId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RunStream_pkey" PRIMARY KEY ("runId","key")
);
CREATE INDEX "RunStream_environmentId_idx" ON "RunStream"("environmentId");
ALTER TABLE "RunStream" ADD CONSTRAINT "RunStream_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "RuntimeEnvironment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "RunStreamChunk" (
    "runId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RunStreamChunk_pkey" PRIMARY KEY ("runId","key","seq")
);
