-- stint deploy: Deployment (a version of a deployed environment's code: manifest, bundle, status) and
-- CurrentDeployment (the version new runs are locked to). Replaces the unused WorkerDeployment/BackgroundTask tables.
-- DropForeignKey
ALTER TABLE "BackgroundTask" DROP CONSTRAINT "BackgroundTask_deploymentId_fkey";

-- DropForeignKey
ALTER TABLE "WorkerDeployment" DROP CONSTRAINT "WorkerDeployment_environmentId_fkey";

-- DropTable
DROP TABLE "BackgroundTask";

-- DropTable
DROP TABLE "WorkerDeployment";

-- CreateTable
CREATE TABLE "Deployment" (
    "id" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "shortCode" TEXT NOT NULL,
    "status" "DeploymentStatus" NOT NULL DEFAULT 'PENDING',
    "contentHash" TEXT NOT NULL,
    "manifest" JSONB,
    "bundleKey" TEXT,
    "imageReference" TEXT,
    "createdBy" TEXT NOT NULL,
    "errorData" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deployedAt" TIMESTAMP(3),

    CONSTRAINT "Deployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CurrentDeployment" (
    "environmentId" TEXT NOT NULL,
    "deploymentId" TEXT NOT NULL,
    "promotedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CurrentDeployment_pkey" PRIMARY KEY ("environmentId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Deployment_shortCode_key" ON "Deployment"("shortCode");

-- CreateIndex
CREATE INDEX "Deployment_environmentId_createdAt_idx" ON "Deployment"("environmentId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Deployment_environmentId_version_key" ON "Deployment"("environmentId", "version");

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "RuntimeEnvironment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CurrentDeployment" ADD CONSTRAINT "CurrentDeployment_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

