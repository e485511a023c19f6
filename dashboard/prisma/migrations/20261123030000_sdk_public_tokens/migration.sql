-- Public tokens the SDK signs with the secret key: the key sealed for verification, and spent one-time tokens.
ALTER TABLE "RuntimeEnvironment" ADD COLUMN "secretKeySealed" TEXT;

CREATE TABLE "SpentPublicToken" (
    "tokenHash" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SpentPublicToken_pkey" PRIMARY KEY ("tokenHash")
);
CREATE INDEX "SpentPublicToken_expiresAt_idx" ON "SpentPublicToken"("expiresAt");
ALTER TABLE "SpentPublicToken" ADD CONSTRAINT "SpentPublicToken_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "RuntimeEnvironment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
