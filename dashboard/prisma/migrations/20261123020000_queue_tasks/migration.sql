-- Tasks whose runs go to each queue (declared by the workers' code), so API triggers find a task's shared queue.
ALTER TABLE "TaskQueue" ADD COLUMN "tasks" TEXT[] DEFAULT ARRAY[]::TEXT[];
