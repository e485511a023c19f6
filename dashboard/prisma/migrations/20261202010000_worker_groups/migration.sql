-- Worker groups with their token (only its hash) and the worker servers (supervisors) that registered with them.
-- The earlier placeholder tables (never written to) go.
DROP TABLE "WorkerToken";
DROP TABLE "WorkerInstance";
DROP TABLE "WorkerGroup";

CREATE TABLE "WorkerGroup" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "tokenHint" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotatedAt" TIMESTAMP(3),
    CONSTRAINT "WorkerGroup_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "WorkerGroup_name_key" ON "WorkerGroup"("name");
CREATE UNIQUE INDEX "WorkerGroup_tokenHash_key" ON "WorkerGroup"("tokenHash");

CREATE TABLE "WorkerServer" (
    "id" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "capacity" INTEGER NOT NULL,
    "running" INTEGER NOT NULL DEFAULT 0,
    "executor" TEXT NOT NULL,
    "versions" TEXT[],
    "lastHeartbeatAt" TIMESTAMP(3) NOT NULL,
    "connectedAt" TIMESTAMP(3) NOT NULL,
    "disconnectedAt" TIMESTAMP(3),
    CONSTRAINT "WorkerServer_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "WorkerServer_groupId_name_key" ON "WorkerServer"("groupId", "name");
ALTER TABLE "WorkerServer" ADD CONSTRAINT "WorkerServer_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "WorkerGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;
