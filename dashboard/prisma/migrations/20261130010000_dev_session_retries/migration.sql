-- A dev session's `retries.enabledInDev`: the webapp's engine applies it to the runs of the session's tasks.
ALTER TABLE "DevSession" ADD COLUMN "retriesEnabledInDev" BOOLEAN NOT NULL DEFAULT false;
