-- A dev session's heartbeat says whether it can reach Temporal (the Workers page shows one that cannot).
ALTER TABLE "DevSession" ADD COLUMN "temporalReachable" BOOLEAN NOT NULL DEFAULT true;
