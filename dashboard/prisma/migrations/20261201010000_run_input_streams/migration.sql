-- Input streams: runs waiting (input stream .wait()) on a waitpoint token that the next record sent to the stream completes.
-- The records themselves are RunStreamChunk rows under the key "$input:<streamId>".
CREATE TABLE "RunInputStreamWaiter" (
    "tokenId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "streamId" TEXT NOT NULL,
    "environmentId" TEXT NOT NULL,
    "fromSeq" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RunInputStreamWaiter_pkey" PRIMARY KEY ("tokenId")
);
CREATE INDEX "RunInputStreamWaiter_runId_streamId_idx" ON "RunInputStreamWaiter"("runId", "streamId");
