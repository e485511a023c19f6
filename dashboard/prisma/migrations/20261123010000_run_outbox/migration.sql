-- CreateTable
CREATE TABLE "RunOutbox" (
    "runId" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "item" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RunOutbox_pkey" PRIMARY KEY ("runId")
);

-- CreateIndex
CREATE INDEX "RunOutbox_createdAt_idx" ON "RunOutbox"("createdAt");

-- AddForeignKey
ALTER TABLE "RunOutbox" ADD CONSTRAINT "RunOutbox_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "RuntimeEnvironment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

