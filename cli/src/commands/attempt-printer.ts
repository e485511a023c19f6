/**
 * How `stint dev` prints its attempts, as `trigger dev` does: one line when an attempt starts, one when it ends, one
 * per task log line. A failed attempt is one line with its error message; the stack (the task's own frames) follows
 * only the first time a task fails with that message in this session, or every time with --verbose.
 */
import type { AttemptExecutor, AttemptJob, RunLogEntry } from "@stint/temporal-workers";
import { stringifyJsonSafe } from "@stint/sdk/runtime";

type AttemptResult = Awaited<ReturnType<AttemptExecutor["execute"]>>;

const time = () => new Date().toISOString().slice(11, 19);
/** Frames of Stint itself (SDK runtime, engine) and of Node: noise below the user's code. */
const INTERNAL_FRAME =
  /node:internal|[/\\]@stint[/\\]|[/\\]sdk[/\\]src[/\\]runtime[/\\]|[/\\]temporal-workers[/\\]src[/\\]/;

export interface AttemptPrinterOptions {
  /** Print the stack of every failed attempt. */
  verbose?: boolean;
  /** Where lines go (stdout by default). */
  write?: (line: string) => void;
}

export class AttemptPrinter {
  private readonly failuresSeen = new Set<string>();
  private readonly write: (line: string) => void;

  constructor(private readonly options: AttemptPrinterOptions = {}) {
    this.write = options.write ?? ((line) => console.log(line));
  }

  logLine = (entry: RunLogEntry): void => {
    this.write(
      `[${time()}] ${entry.runId} ${entry.level.toUpperCase().padEnd(5)} ${entry.message}${entry.attributes ? ` ${stringifyJsonSafe(entry.attributes)}` : ""}`,
    );
  };

  /** `note` follows the label (e.g. the version a run resumes on). */
  started(info: AttemptJob["info"], note = ""): void {
    this.write(`[${time()}] ▶ ${label(info)}${note}`);
  }

  /** A line of explanation below the attempt lines (no time stamp). */
  note(text: string): void {
    this.write(text);
  }

  finished(info: AttemptJob["info"], result: AttemptResult): void {
    if (result.kind === "success") return this.write(`[${time()}] ✔ completed ${label(info)} (${result.computeMs} ms)`);
    if (result.kind === "suspended")
      return this.write(`[${time()}] ⏸ suspended at waitpoint #${result.seq} ${label(info)} (${result.computeMs} ms)`);
    const retry = result.retryDelayMs !== undefined ? ` (retrying in ${result.retryDelayMs} ms)` : "";
    this.write(
      `[${time()}] ✖ ${result.status.toLowerCase()}: ${oneLine(result.error.message)}${retry} ${label(info)} (${result.computeMs} ms)`,
    );
    const key = `${info.item.task}\0${result.error.message}`;
    if (this.options.verbose || !this.failuresSeen.has(key)) {
      this.failuresSeen.add(key);
      const frames = userFrames(result.error.stack, this.options.verbose);
      if (frames.length) this.write(frames.map((frame) => `      ${frame}`).join("\n"));
    }
  }

  /** An execution that ended without a result: its run was canceled, or Temporal moved the run on without it. */
  stopped(info: AttemptJob["info"], error: Error): void {
    if (error.name === "CancelledFailure") return this.write(`[${time()}] ⊘ canceled ${label(info)}`);
    this.write(`[${time()}] ■ stopped: ${oneLine(error.message)} ${label(info)}`);
  }

  /** The final line for a run `stint dev --trigger` started. */
  runFinished(runId: string, status: string, detail: unknown): void {
    const error = detail as { name?: string; message?: string } | undefined;
    const text =
      status === "COMPLETED"
        ? JSON.stringify(detail)
        : error?.message !== undefined
          ? `${error.name ?? "Error"}: ${oneLine(error.message)}`
          : JSON.stringify(detail);
    this.write(`[${time()}] ${runId} ${status}: ${text}`);
  }
}

function label(info: AttemptJob["info"]): string {
  return `${info.item.task} ${info.runId} attempt ${info.attemptNumber}${info.isReplay ? " (replay)" : ""}`;
}

function oneLine(text: string): string {
  const [first, ...rest] = text.split("\n");
  return rest.length ? `${first} …` : first!;
}

function userFrames(stack: string | undefined, all = false): string[] {
  const frames = (stack ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("at "));
  return all ? frames : frames.filter((frame) => !INTERNAL_FRAME.test(frame));
}
