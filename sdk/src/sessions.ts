/**
 * Sessions (durable chat-style conversations with in/out channels), part of Trigger.dev's AI chat surface. Stint
 * does not host sessions yet: handles and channels can be made (so modules load), using them fails naming the call.
 * The `__setSession*ImplForTests` hooks work as in Trigger.dev: a test can put its own start/open/close in place.
 */
import { unsupported } from "./unsupported.js";

type Impl<A extends unknown[], R> = ((...args: A) => R) | undefined;
let startImpl: Impl<[unknown], unknown>;
let openImpl: Impl<[string], SessionHandle>;
let closeImpl: Impl<[string, unknown?], unknown>;

export function __setSessionStartImplForTests(impl: Impl<[unknown], unknown>): void {
  startImpl = impl;
}
export function __setSessionOpenImplForTests(impl: Impl<[string], SessionHandle>): void {
  openImpl = impl;
}
export function __setSessionCloseImplForTests(impl: Impl<[string, unknown?], unknown>): void {
  closeImpl = impl;
}

export class SessionOutputChannel<TOut = unknown> {
  constructor(
    readonly sessionId: string,
    readonly channel?: string,
  ) {}
  async append(_value: TOut, _options?: unknown): Promise<void> {
    return unsupported("session.out.append");
  }
  pipe(_value: unknown, _options?: unknown): never {
    return unsupported("session.out.pipe");
  }
  writer(_options: unknown): never {
    return unsupported("session.out.writer");
  }
  async read(_options?: unknown): Promise<never> {
    return unsupported("session.out.read");
  }
  async writeControl(_subtype: string, _headers?: unknown): Promise<never> {
    return unsupported("session.out.writeControl");
  }
  async trimTo(_earliestSeqNum: number): Promise<void> {
    return unsupported("session.out.trimTo");
  }
}

export class SessionInputChannel<TIn = unknown> {
  constructor(
    readonly sessionId: string,
    readonly channel?: string,
  ) {}
  async send(_value: TIn, _requestOptions?: unknown): Promise<void> {
    return unsupported("session.in.send");
  }
  on(_handler: (data: TIn) => unknown): never {
    return unsupported("session.in.on");
  }
  once(_options?: unknown): never {
    return unsupported("session.in.once");
  }
  peek(): never {
    return unsupported("session.in.peek");
  }
  lastDispatchedSeqNum(): never {
    return unsupported("session.in.lastDispatchedSeqNum");
  }
  wait(_options?: unknown): never {
    return unsupported("session.in.wait");
  }
  async waitWithIdleTimeout(_options: unknown): Promise<never> {
    return unsupported("session.in.waitWithIdleTimeout");
  }
}

export class SessionHandle {
  readonly out: SessionOutputChannel;
  readonly in: SessionInputChannel;
  constructor(
    readonly id: string,
    overrides: { in?: SessionInputChannel; out?: SessionOutputChannel } = {},
  ) {
    this.out = overrides.out ?? new SessionOutputChannel(id);
    this.in = overrides.in ?? new SessionInputChannel(id);
  }
  channel(channel: string | { name: string }) {
    const name = typeof channel === "string" ? channel : channel.name;
    return { name, out: new SessionOutputChannel(this.id, name), in: new SessionInputChannel(this.id, name) };
  }
}

export const sessions = {
  start: async (input: unknown, _requestOptions?: unknown) =>
    startImpl ? startImpl(input) : unsupported("sessions.start"),
  retrieve: async (_id: string, _requestOptions?: unknown): Promise<never> => unsupported("sessions.retrieve"),
  update: async (_id: string, _body: unknown, _requestOptions?: unknown): Promise<never> =>
    unsupported("sessions.update"),
  close: async (id: string, body?: unknown, _requestOptions?: unknown) =>
    closeImpl ? closeImpl(id, body) : unsupported("sessions.close"),
  list: (_options?: unknown, _requestOptions?: unknown): never => unsupported("sessions.list"),
  open: (id: string): SessionHandle => (openImpl ? openImpl(id) : new SessionHandle(id)),
  /** A channel's declaration (its name), made at import. */
  defineChannel: <const TName extends string>(name: TName) => ({ name }),
};
