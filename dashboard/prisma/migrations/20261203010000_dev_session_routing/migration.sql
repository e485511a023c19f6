-- Dev sessions route runs per execution: each session has one attempt queue, the code version of each task it
-- registered (to warn when two sessions serve one task with different code), a label saying where it runs, and an
-- end time once it stopped.
ALTER TABLE "DevSession" ADD COLUMN "taskVersions" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "DevSession" ADD COLUMN "label" TEXT;
ALTER TABLE "DevSession" ADD COLUMN "endedAt" TIMESTAMP(3);
