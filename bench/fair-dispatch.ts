/**
 * The fair dispatcher's scheduling core alone (no Temporal, no PostgreSQL): how many admissions a second it decides,
 * and how fair it is against FIFO, on a simulated fleet where every run takes the same time.
 *
 * - decision rate: `--tenants` organisations × 2 environments × 5 queues × 10 concurrency keys, `--runs` waiting
 *   runs, capacity `--capacity`; each round admits up to the free capacity, then the admitted runs finish.
 * - fairness: tenant A queues 5,000 runs, then tenant B queues 10; B's wait to its first start (in rounds) and Jain's
 *   index of the two tenants' starts while both wait, FIFO versus the scheduler; and two saturating tenants weighted 1:3.
 *
 *   npm run bench:dispatch -- [--tenants 1000] [--runs 200000] [--capacity 500]
 */
import { z } from "zod";
import { FairScheduler, type Demand, type LevelSettings } from "@stint/temporal-workers";
import { parseArgs } from "./args.js";

const args = parseArgs(
  z.object({
    tenants: z.coerce.number().int().positive().default(1_000),
    runs: z.coerce.number().int().positive().default(200_000),
    capacity: z.coerce.number().int().positive().default(500),
  }),
  process.argv.slice(2),
);

function scheduler(capacity: number, orgs: Map<string, LevelSettings> = new Map()) {
  return new FairScheduler({
    organization: (id) => orgs.get(id) ?? {},
    environment: () => ({}),
    queue: () => ({}),
    capacity: () => capacity,
  });
}

let seq = 0;
const demand = (org: string, env = 0, queue = 0, key = 0, at = 0): Demand => ({
  runId: `run_${seq++}`,
  organizationId: org,
  environmentId: `${org}-env${env}`,
  queue: `task/q${queue}`,
  concurrencyKey: `k${key}`,
  requestedAt: at,
});

const jain = (xs: number[]) => xs.reduce((a, b) => a + b, 0) ** 2 / (xs.length * xs.reduce((a, b) => a + b * b, 0));

// Decision rate.
{
  const s = scheduler(args.capacity);
  for (let i = 0; i < args.runs; i++) s.request(demand(`org${i % args.tenants}`, i % 2, i % 5, i % 10, i));
  const startedAt = process.hrtime.bigint();
  let admitted = 0;
  for (let round = 0; s.waitingCount > 0; round++) {
    const batch = s.nextBatch(round, args.capacity);
    admitted += batch.length;
    for (const a of batch) s.release(a.demand.runId);
  }
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const rss = process.memoryUsage().rss / 2 ** 20;
  console.log(
    `decision rate: ${Math.round(admitted / seconds).toLocaleString("en")} admissions/s (${admitted.toLocaleString("en")} runs of ${args.tenants} tenants × 2 environments × 5 queues × 10 keys, capacity ${args.capacity}; RSS ${rss.toFixed(0)} MB)`,
  );
}

// A flood, then a newcomer: FIFO versus the scheduler, capacity 10 per round.
{
  const capacity = 10;
  const flood = Array.from({ length: 5_000 }, (_, i) => demand("A", 0, 0, 0, i));
  const newcomer = Array.from({ length: 10 }, (_, i) => demand("B", 0, 0, 0, 5_000 + i));
  // FIFO: B waits behind everything A queued before it.
  const fifoWait = Math.floor(flood.length / capacity);
  const s = scheduler(capacity);
  for (const d of flood) s.request(d);
  for (const d of newcomer) s.request(d);
  const starts = { A: 0, B: 0 };
  let firstB: number | undefined;
  for (let round = 0; s.waitingCount > 0 && starts.B < newcomer.length; round++) {
    for (const a of s.nextBatch(round, capacity)) {
      starts[a.demand.organizationId as "A" | "B"]++;
      if (a.demand.organizationId === "B") firstB ??= round;
      s.release(a.demand.runId);
    }
  }
  console.log(
    `newcomer behind a flood of 5,000 (capacity 10 a round): FIFO first start after ${fifoWait} rounds; fair: round ${firstB}; Jain's index while both wait: FIFO ${jain([capacity, 0]).toFixed(2)}, fair ${jain([starts.A, starts.B]).toFixed(2)}`,
  );
}

// Weights 1:3.
{
  const s = scheduler(
    40,
    new Map([
      ["A", { weight: 1 }],
      ["B", { weight: 3 }],
    ]),
  );
  for (let i = 0; i < 20_000; i++) {
    s.request(demand("A", 0, i % 3, i % 7));
    s.request(demand("B", 0, 0, 0));
  }
  const starts = { A: 0, B: 0 };
  for (let round = 0; round < 200; round++) {
    for (const a of s.nextBatch(round, 40)) {
      starts[a.demand.organizationId as "A" | "B"]++;
      s.release(a.demand.runId);
    }
  }
  console.log(`weights 1:3 (A over 3 queues × 7 keys, B in one): B/A = ${(starts.B / starts.A).toFixed(2)}`);
}
