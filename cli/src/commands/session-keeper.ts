/**
 * Keeps a webapp `stint dev` session connected, quietly: it heartbeats the webapp (saying whether the session reaches
 * Temporal), watches Temporal, and prints one line when either is lost and one when it is back — not one per failed
 * poll. While cut off from Temporal it asks the webapp where Temporal is every few seconds and moves there if the
 * address changed (a restarted platform); at the same address the connections recover by themselves.
 */
import { TemporalReachability } from "@stint/temporal-workers";
import { heartbeatDevSession, type SessionClash, type WebappTarget } from "../webapp-session.js";
import { TemporalLink, type LinkAttempts } from "./temporal-link.js";

const HEARTBEAT_MS = 10_000;
/** While Temporal is unreachable: how often to ask the webapp where it is now. */
const CUT_OFF_HEARTBEAT_MS = 3_000;

const time = () => new Date().toISOString().slice(11, 19);
const firstLine = (text: string) => text.split("\n")[0]!.slice(0, 200);

export class SessionKeeper {
  private link: TemporalLink;
  private polled: string[] = [];
  private readonly reachability: TemporalReachability;
  private timer: NodeJS.Timeout | undefined;
  private webappReachable = true;
  private moving: Promise<void> | undefined;
  private stopped = false;

  private constructor(
    private readonly target: WebappTarget,
    private sessionId: string,
    link: TemporalLink,
    private readonly attempts: LinkAttempts,
    private readonly log: (line: string) => void,
    private readonly onMoved: (address: string) => void,
    private readonly onClashes: (clashes: SessionClash[]) => void,
  ) {
    this.link = link;
    this.reachability = new TemporalReachability(() => this.link.connection, {
      onLost: (reason) => {
        this.log(`[${time()}] Lost Temporal at ${this.link.address} (${reason}); reconnecting…`);
        this.schedule(0);
      },
      onBack: () => {
        this.log(`[${time()}] Reconnected to Temporal at ${this.link.address}`);
        void this.link.poll(this.polled).catch(() => undefined);
        this.schedule(0);
      },
    });
  }

  /**
   * `onMoved`: the session now works with Temporal at another address (what it records for `stint status`).
   * `onClashes`: each heartbeat's tasks shared, with different code, with another live session of the environment.
   */
  static async start(
    target: WebappTarget,
    session: { id: string; temporal: { address: string; namespace: string } },
    attempts: LinkAttempts,
    {
      log = console.log,
      onMoved = () => {},
      onClashes = () => {},
    }: {
      log?: (line: string) => void;
      onMoved?: (address: string) => void;
      onClashes?: (clashes: SessionClash[]) => void;
    } = {},
  ): Promise<SessionKeeper> {
    const link = await TemporalLink.open(session.temporal.address, session.temporal.namespace, attempts);
    const keeper = new SessionKeeper(target, session.id, link, attempts, log, onMoved, onClashes);
    keeper.reachability.start();
    keeper.schedule(HEARTBEAT_MS);
    return keeper;
  }

  /** The task queues the session polls. */
  get queues(): string[] {
    return this.polled;
  }

  get address(): string {
    return this.link.address;
  }

  get namespace(): string {
    return this.link.namespace;
  }

  /** After a (re-)registration: the session's id, the address the webapp named, and the queues to poll. */
  async update(
    session: { id: string; temporal: { address: string; namespace: string } },
    queues: string[],
  ): Promise<void> {
    this.sessionId = session.id;
    this.polled = [...new Set([...this.polled, ...queues])];
    if (session.temporal.address !== this.link.address)
      await this.moveTo(session.temporal.address, session.temporal.namespace);
    await this.link.poll(queues);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.reachability.stop();
    await this.moving;
    await this.link.close();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.beat(), delayMs);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    try {
      const answer = await heartbeatDevSession(this.target, this.sessionId, this.reachability.reachable);
      if (!this.webappReachable) this.log(`[${time()}] The webapp at ${this.target.apiUrl} is back`);
      this.webappReachable = true;
      this.onClashes(answer.clashes);
      if (answer.temporal && answer.temporal.address !== this.link.address)
        await this.moveTo(answer.temporal.address, answer.temporal.namespace);
    } catch (error) {
      if (this.webappReachable)
        this.log(
          `[${time()}] Lost the webapp at ${this.target.apiUrl} (${firstLine((error as Error).message)}); retrying…`,
        );
      this.webappReachable = false;
    }
    this.schedule(this.reachability.reachable && this.webappReachable ? HEARTBEAT_MS : CUT_OFF_HEARTBEAT_MS);
  }

  /** Opens a link at the new address (only once Temporal answers there), then drops the old one. */
  private moveTo(address: string, namespace: string): Promise<void> {
    this.moving ??= (async () => {
      try {
        const next = await TemporalLink.open(address, namespace, this.attempts);
        if (this.stopped) return void (await next.close());
        const previous = this.link;
        this.link = next;
        await next.poll(this.polled);
        this.log(`[${time()}] Temporal moved to ${address} (was ${previous.address})`);
        this.onMoved(address);
        void previous.retire();
        void this.reachability.probe();
      } catch {
        // Not answering there yet: the next heartbeat asks again.
      } finally {
        this.moving = undefined;
      }
    })();
    return this.moving;
  }
}
