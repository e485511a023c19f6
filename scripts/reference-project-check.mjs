#!/usr/bin/env node
// Triggers the self-checking tasks of Trigger.dev's reference project (`references/hello-world`, before commit
// a9f756b260 of triggerdotdev/trigger.dev) once each with the real @trigger.dev/sdk client, and prints a verdict per
// task and the pass count. Run it from the reference project's folder (so @trigger.dev/sdk resolves from there) while
// `stint dev` runs it as a session of the webapp: see docs/sdk-compatibility.md ("Trigger.dev's reference project").
//   TRIGGER_API_URL=… TRIGGER_SECRET_KEY=<the project's dev key> node /path/to/stint/scripts/reference-project-check.mjs
// Options: --only id1,id2 (a subset), --deadline-s 240 (per run). Results: docs/sdk-compatibility.md.
// "Self-checking" means the task itself decides whether the platform behaved: it throws or asserts on a wrong result,
// or returns a verdict it computed (allSameRun, aborted, ok…). The expectations below are Stint's reading of each
// task's documented intent; a task whose verdict needs its children, has them looked up with runs.list.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const requireFromProject = createRequire(`${process.cwd()}/`);
const sdk = await import(pathToFileURL(requireFromProject.resolve("@trigger.dev/sdk")).href);
const { configure, tasks, runs } = sdk;

const argv = process.argv.slice(2);
const flag = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const only = flag("only")?.split(",");
const deadlineMs = Number(flag("deadline-s") ?? 240) * 1000;
const apiUrl = process.env.TRIGGER_API_URL;
const secretKey = process.env.TRIGGER_SECRET_KEY;
if (!apiUrl || !secretKey) {
  console.error("Set TRIGGER_API_URL and TRIGGER_SECRET_KEY (the reference project's development key).");
  process.exit(2);
}
configure({ baseURL: apiUrl, accessToken: secretKey });

const unique = `${Date.now().toString(36)}`;
const expect = (condition, message) => (condition ? undefined : message);

/** Runs of a task created since `since`, once all of them have finished (or the deadline passes). */
async function finishedRunsOf(taskIdentifier, since, minimum) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const page = await runs.list({ taskIdentifier, from: since, limit: 100 });
    const list = page.data;
    const done = list.filter((r) => r.isCompleted || r.isFailed || r.isCancelled);
    if ((list.length >= minimum && done.length === list.length) || Date.now() > end) {
      return Promise.all(list.map((r) => runs.retrieve(r.id)));
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// [task id, payload, check(output, context) → undefined when it passed, else why]
const cases = [
  // triggerAndSubscribe.ts
  ["test-trigger-and-subscribe", {}, (o) => expect(o?.label === "single", "child output missing")],
  [
    "test-parallel-subscribe",
    {},
    (o) => expect(o?.result1?.label === "parallel-1" && o?.result3?.label === "parallel-3", "outputs missing"),
  ],
  [
    "test-abort-with-cancel",
    {},
    (o) => expect(o?.aborted === true && o?.childCancelled === true, "abort did not stop the subscription"),
  ],
  ["test-abort-without-cancel", {}, (o) => expect(o?.aborted === true, "abort did not stop the subscription")],
  ["test-abort-already-aborted", {}, (o) => expect(o?.aborted === true, "a pre-aborted signal was ignored")],
  ["test-standalone-subscribe", {}, (o) => expect(o?.label === "standalone", "child output missing")],
  ["test-result-success", {}, (o) => expect(o?.ok === true, "result not ok")],
  ["test-result-failure", {}, (o) => expect(o?.ok === false, "a failed child reported ok")],
  ["test-unwrap-failure", {}, (o) => expect(o?.threw === true, "unwrap() of a failed child did not throw")],
  ["test-parallel-mixed", {}, (o) => expect(o?.successOk === true && o?.failureOk === false, "mixed results wrong")],
  // debounce.ts
  [
    "demonstrate-debounce",
    { debounceKey: `d-${unique}` },
    (o) => expect(o?.allSameRun === true, "5 triggers, several runs"),
  ],
  [
    "demonstrate-trailing-mode",
    { debounceKey: `t-${unique}` },
    async (o) => {
      if (o?.allSameRun !== true) return "5 triggers, several runs";
      const run = await runs.poll(o.runId, { pollIntervalMs: 1000 });
      return expect(run.output?.version === 5, `trailing run processed version ${run.output?.version}, not 5`);
    },
  ],
  [
    "compare-leading-and-trailing",
    { prefix: `c-${unique}` },
    async (_o, { since }) => {
      const leading = await finishedRunsOf("process-with-leading-mode", since, 1);
      const trailing = await finishedRunsOf("process-with-trailing-mode", since, 1);
      return (
        expect(
          leading.length === 1 && leading[0].output?.version === 1,
          `leading: ${leading.map((r) => r.output?.version)}`,
        ) ??
        expect(
          trailing.length === 1 && trailing[0].output?.version === 5,
          `trailing: ${trailing.map((r) => r.output?.version)}`,
        )
      );
    },
  ],
  [
    "demonstrate-batch-debounce",
    { prefix: `b-${unique}` },
    async (_o, { since }) => {
      const items = await finishedRunsOf("batch-item-task", since, 3);
      return expect(items.length === 3, `${items.length} batch-item-task runs, expected 3`);
    },
  ],
  [
    "demonstrate-single-task-batch-debounce",
    { debounceKey: `s-${unique}` },
    async (_o, { since }) => {
      const items = await finishedRunsOf("batch-item-task", since, 1);
      return expect(items.length === 1, `${items.length} batch-item-task runs, expected 1`);
    },
  ],
  [
    "demonstrate-debounce-trigger-and-wait-orchestrator",
    { debounceKey: `w-${unique}`, parentCount: 3 },
    async (o) => {
      const parents = await Promise.all(o.parentRunIds.map((id) => runs.poll(id, { pollIntervalMs: 1000 })));
      const children = new Set(parents.map((p) => JSON.stringify(p.output?.childOutput)));
      return (
        expect(
          parents.every((p) => p.output?.success === true),
          "a parent's child failed",
        ) ?? expect(children.size === 1, "the parents waited on different child runs")
      );
    },
  ],
  // idempotency.ts
  ["idempotency-key-reset-test", {}, (o) => expect(o?.allPassed === true, JSON.stringify(o?.testResults))],
  // batches.ts
  // Not here: metadata-tester loops until it is cancelled (no verdict of its own);
  // batch-deduplication-test and batch-retry-with-toxiproxy check themselves too, but need a Toxiproxy server in front
  // of the API (they add network faults through its admin API): not run here.
  ["batch-trigger-with-queue-option", { count: 3 }, (o) => expect(o?.success === true, "not success")],
  ["batch-trigger-and-wait-with-queue-option", { count: 3 }, (o) => expect(o?.success === true, "not success")],
  ["streaming-batch-with-queue-option", { count: 3 }, (o) => expect(o?.success === true, "not success")],
  [
    "batch-seal-failure-oversized",
    {},
    (o) => expect(o?.normalOk === true && o?.oversizedOk === true, JSON.stringify(o)),
  ],
  ["streaming-batch-trigger-and-wait", { count: 3 }, (o) => expect(o?.outputs?.length === 3, "outputs missing")],
  [
    "large-payload-batch-and-wait",
    { count: 2, payloadSizeKB: 200 },
    (o) => expect(o?.successCount === 2, `successCount ${o?.successCount}`),
  ],
  // concurrencyKeys.ts, queues.ts, release-concurrency.ts: they throw when a limit is broken.
  ["ck-same-concurrency-test", {}, () => undefined],
  ["ck-many-keys-test", {}, () => undefined],
  ["ck-mixed-test", {}, () => undefined],
  ["shared-queue-test", {}, () => undefined],
  ["wait-release-concurrency-test", {}, () => undefined],
  // circularPayload.ts: the child's schema rejects a payload that lost its shape.
  ["referential-payload-parent", {}, () => undefined],
  ["circular-reference-parent", {}, () => undefined],
  // Management API from task code, and everything else that asserts.
  ["public-access-tokens", {}, () => undefined],
  ["sdk-methods", {}, () => undefined],
  ["tag-test", {}, () => undefined],
  ["secret-env-var", {}, () => undefined],
  ["input-stream-coordinator", {}, () => undefined],
  ["streams-append", {}, (o) => expect(o?.success === true, "not success")],
  ["streams-multi", {}, (o) => expect(o?.success === true, "not success")],
  ["attempt-failures-2", {}, () => undefined],
  ["test-start-attempt-hook", { message: "reference" }, () => undefined],
  ["nested-dependencies", { maxDepth: 2, batchSize: 2, waitSeconds: 1 }, () => undefined],
  ["usage-verification-parent", {}, () => undefined],
];

const selected = only ? cases.filter(([id]) => only.includes(id)) : cases;
let passed = 0;
const failures = [];
// One at a time: several of them measure concurrency, and they share queues.
for (const [id, payload, check] of selected) {
  const since = new Date(Date.now() - 1000);
  const started = Date.now();
  let verdict;
  try {
    const handle = await tasks.trigger(id, payload);
    const run = await Promise.race([
      runs.poll(handle.id, { pollIntervalMs: 1000 }),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`still ${"running"} after ${deadlineMs / 1000} s`)), deadlineMs),
      ),
    ]);
    if (run.status !== "COMPLETED") {
      verdict = `${run.status}: ${run.error?.message ?? JSON.stringify(run.error ?? null)}`.slice(0, 300);
    } else {
      verdict = await check(run.output, { since, runId: handle.id });
    }
    verdict = verdict && `${verdict} (${handle.id})`;
  } catch (error) {
    verdict = `harness: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (verdict === undefined) passed++;
  else failures.push([id, verdict]);
  console.log(`${verdict === undefined ? "PASS" : "FAIL"} ${id} (${seconds} s)${verdict ? ` — ${verdict}` : ""}`);
}
console.log(`\n${passed} of ${selected.length} self-checking tasks passed`);
process.exit(0);
