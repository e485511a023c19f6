/**
 * The queue slot: each execution holds one of its queue's slots while it runs, so only executing runs count against
 * the queue's concurrency limit. Runs ask the engine's dispatcher; runs started before it ask their queue's gate
 * workflow, and older ones nobody.
 */
import * as wf from "@temporalio/workflow";
import type { AttemptRequeue } from "../../shared/run-types.js";
import { admissionGrantedSignal, releaseSlotSignal, slotGrantedSignal } from "../../shared/messages.js";
import type { DispatchActivities, EngineActivities } from "../../activities/attempt-activity-types.js";
import type { AttemptRoute, AttemptRouteRequest } from "../../shared/attempt-routing.js";
import {
  admissionRequest,
  ASK_AGAIN_MAX_MS,
  ASK_AGAIN_MIN_MS,
  dispatchTaskQueue,
  type AdmissionAnswer,
  type AdmissionRequest,
  type DispatchSinks,
} from "../../shared/dispatch.js";
import { queueGateId, type QueueGateKey } from "../../shared/queue-gate.js";
import { nowIso, type RunContext } from "./run-context.js";

/** Past this many requeues of one attempt, its executions run without the worker's admission check. */
const MAX_REQUEUES_PER_ATTEMPT = 5;

/** What the worker checks before it runs an execution: that the run was admitted under its code's queue. */
export interface AdmissionClaim {
  queue: string;
  gated: boolean;
  named: boolean;
}

export class QueueSlot {
  private gateKey: QueueGateKey;
  private gateId: string;
  /** The limit the task's code declares for the run's queue, once a worker sent the run back to that queue's gate. */
  private codeLimit: number | null | undefined;
  /** Times the current attempt was sent back: workers that disagree about the task's queue must not loop forever. */
  private requeues = 0;
  private readonly dispatched: boolean;
  private readonly gated: boolean;
  private slotGranted = false;
  /** Whether this execution holds a gate slot (queues without limit or pause are admitted without one). */
  private holdsSlot = false;
  /** Whether the dispatcher admitted this execution under a limit it knew for the queue. */
  private admittedUnderLimit = false;
  private readonly dispatch: DispatchActivities;
  /** The dispatcher's answer names the request it admits: a late grant for an earlier request is ignored. */
  private admissionTicket = 0;
  private admittedTicket = 0;
  /** The last release sent to the dispatcher: a new request waits for it, so the two cannot cross. */
  private releasing: Promise<unknown> | undefined;
  /** A request already asked with the execution's route (routeAndAsk), and its answer. */
  private asked: { request: AdmissionRequest; answer: AdmissionAnswer } | undefined;
  /** Whether this process's dispatcher answered the last request (a last release may then go through a sink). */
  private answeredHere = false;
  private readonly sinks = wf.proxySinks<DispatchSinks>();

  /** `engine`: the engine's local activities (a slot request that gets no answer is asked again soon: the gate
   * treats a repeated request as the same one). */
  constructor(
    private readonly run: RunContext,
    private readonly engine: EngineActivities,
  ) {
    this.gateKey = { environmentId: run.input.environment.id, queue: run.state.queue };
    this.gateId = queueGateId(this.gateKey);
    this.dispatched = run.patched("stint-dispatcher");
    this.gated = run.patched("stint-queue-gate") && !this.dispatched;
    wf.setHandler(slotGrantedSignal, ({ gateId: from }) => {
      if (from === this.gateId) this.slotGranted = true;
    });
    // The dispatcher: asked through the engine's local activity, or its own task queue when another process runs it.
    this.dispatch = wf.proxyActivities<DispatchActivities>({
      taskQueue: dispatchTaskQueue(wf.workflowInfo().taskQueue),
      startToCloseTimeout: "30 seconds",
      retry: { initialInterval: "500 milliseconds", backoffCoefficient: 2, maximumInterval: "5 seconds" },
    });
    wf.setHandler(admissionGrantedSignal, ({ ticket }) => {
      if (ticket === this.admissionTicket) this.admittedTicket = ticket;
    });
    // Admitted before the workflow started (admitAtStart): the first execution starts from that answer.
    const admittedAtStart = run.input.startAdmission;
    if (admittedAtStart && this.dispatched) {
      this.admissionTicket = admittedAtStart.ticket;
      this.asked = {
        request: this.request(admittedAtStart.ticket, admittedAtStart.requestedAt),
        answer: { granted: true, limited: admittedAtStart.limited },
      };
    }
  }

  /** Whether executions need a slot at all (runs from before the queue gate run without). */
  get required(): boolean {
    return this.gated || this.dispatched;
  }

  /** A new attempt may be sent back to another queue as many times again. */
  newAttempt(): void {
    this.requeues = 0;
  }

  /** What the worker is to check for this execution; none once the attempt was sent back too often. */
  admissionClaim(): AdmissionClaim | undefined {
    if (!this.required || this.requeues >= MAX_REQUEUES_PER_ATTEMPT) return undefined;
    return {
      queue: this.run.state.queue,
      gated: this.dispatched ? this.admittedUnderLimit : this.holdsSlot,
      named: this.run.options.queue !== undefined,
    };
  }

  /** Waits for a slot; false if the ttl deadline passed first. */
  acquire(deadline: number | undefined): Promise<boolean> {
    return this.dispatched ? this.askDispatcher(deadline) : this.acquireFromGate(deadline);
  }

  /** A run of a queue gate (runs started before the dispatcher): asks its gate workflow. */
  private async acquireFromGate(deadline: number | undefined): Promise<boolean> {
    const { run } = this;
    this.slotGranted = false;
    const request = {
      runId: run.input.runId,
      concurrencyKey: run.options.concurrencyKey,
      priorityMs: (run.options.priority ?? 0) * 1000,
      declaredLimit: this.codeLimit,
    };
    // Until the answer is in, assume a slot may be held: a cancel mid-request still gives it back.
    this.holdsSlot = true;
    const { granted, gated: held } = await this.engine.acquireQueueSlot(this.gateKey, request);
    // Answers recorded before ungated queues existed lack `gated`: those runs always held a slot.
    this.holdsSlot = held ?? true;
    if (granted) return true;
    if (deadline === undefined) {
      await wf.condition(() => this.slotGranted);
      return true;
    }
    return wf.condition(() => this.slotGranted, Math.max(1, deadline - Date.now()));
  }

  /**
   * Gives the slot back. `endsRun`: the run finishes without another execution; revision 2 then tells a dispatcher
   * in this process through a sink (no local activity, nothing in history), as nothing waits for the answer.
   */
  release(endsRun = false): void {
    const { run } = this;
    if (!this.holdsSlot) return;
    this.holdsSlot = false;
    if (this.dispatched && endsRun && run.revision >= 2 && this.answeredHere) {
      this.sinks.dispatcher.releaseAdmission(run.input.runId);
      return;
    }
    if (this.dispatched) {
      this.releasing = wf.CancellationScope.nonCancellable(async () => {
        const answer = await this.engine.dispatchReleaseAdmission(run.input.runId);
        if (answer.forward) await this.dispatch.dispatchReleaseAdmission(run.input.runId);
      });
      run.track(this.releasing);
      return;
    }
    const gateId = this.gateId;
    run.track(
      wf.CancellationScope.nonCancellable(() =>
        wf.getExternalWorkflowHandle(gateId).signal(releaseSlotSignal, { runId: run.input.runId }),
      ),
    );
  }

  /** The worker found the run admitted short of its code's queue (triggered before the queue was declared). */
  moveToQueue(requeue: AttemptRequeue): void {
    const { run } = this;
    this.requeues++;
    this.codeLimit = requeue.declaredLimit;
    if (requeue.queue === run.state.queue) return;
    run.state.queue = requeue.queue;
    run.state.updatedAt = nowIso();
    this.gateKey = { environmentId: run.input.environment.id, queue: requeue.queue };
    this.gateId = queueGateId(this.gateKey);
  }

  /**
   * Routes a routed run's execution and, once a session has its task, asks for admission in the same local activity
   * (revision 2): acquire() then starts from that answer.
   */
  async routeAndAsk(route: AttemptRouteRequest): Promise<AttemptRoute> {
    if (!this.dispatched || this.run.revision < 2) return this.engine.routeAttempt(route);
    const request = await this.nextRequest();
    // Until the answer is in, assume a lease may be held: a cancel mid-request still gives it back.
    this.holdsSlot = true;
    const answer = await this.engine.routeAndRequestAdmission({ route, admission: request });
    if (answer.admission) this.asked = { request, answer: answer.admission };
    else this.holdsSlot = false;
    return answer.route;
  }

  private async nextRequest(): Promise<AdmissionRequest> {
    await this.releasing?.catch(() => undefined);
    return this.request(++this.admissionTicket, Date.now());
  }

  private request(ticket: number, requestedAt: number): AdmissionRequest {
    const { run } = this;
    return admissionRequest(
      {
        runId: run.input.runId,
        environmentId: run.input.environment.id,
        queue: run.state.queue,
        concurrencyKey: run.options.concurrencyKey,
        priority: run.options.priority,
      },
      ticket,
      requestedAt,
      this.codeLimit,
    );
  }

  /** Waits for the dispatcher to admit this execution; false if the ttl deadline passed first. */
  private async askDispatcher(deadline: number | undefined): Promise<boolean> {
    const asked = this.asked;
    this.asked = undefined;
    const request = asked?.request ?? (await this.nextRequest());
    // Until the answer is in, assume a lease may be held: a cancel mid-request still gives it back.
    this.holdsSlot = true;
    const forward = (request: AdmissionRequest, answer: AdmissionAnswer) => {
      this.answeredHere = !answer.forward;
      return answer.forward ? this.dispatch.dispatchRequestAdmission(request) : answer;
    };
    const ask = async () => forward(request, await this.engine.dispatchRequestAdmission(request));
    // An answer already in (admitted at start, or with the route) is used as is: awaiting it would cost promises.
    const known = asked && forward(request, asked.answer);
    const answer = known && !(known instanceof Promise) ? known : await (known || ask());
    this.admittedUnderLimit = answer.limited === true;
    if (answer.granted) return true;
    const admitted = () => this.admittedTicket === request.ticket;
    // Asking again now and then covers a lost signal or a dispatcher that restarted without its state (in memory).
    // The dispatcher says when (more waiting runs: later), and runs that asked together spread over twice that, so
    // a backlog's asks stay within what the engine does. (A timer's duration is not part of replay: old histories,
    // whose answers had no interval, replay with the default one.)
    let retryMs = spreadOut(answer.askAgainMs ?? ASK_AGAIN_MIN_MS, `${request.runId}:${request.ticket}`);
    for (;;) {
      const waitMs = deadline === undefined ? retryMs : Math.min(retryMs, deadline - Date.now());
      if (await wf.condition(admitted, Math.max(1, waitMs))) return true;
      if (deadline !== undefined && deadline <= Date.now()) return false;
      const again = await ask();
      if (again.granted) return true;
      retryMs = Math.min(retryMs * 2, Math.max(ASK_AGAIN_MAX_MS, again.askAgainMs ?? 0));
    }
  }
}

/**
 * `ms` stretched by a factor in [1, 2) that depends only on `seed`: deterministic (no workflow random number, whose
 * sequence other code in the workflow may rely on), and different for runs that asked at the same moment.
 */
function spreadOut(ms: number, seed: string): number {
  let hash = 2166136261;
  for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 16777619);
  return Math.round(ms * (1 + (hash >>> 0) / 2 ** 32));
}
