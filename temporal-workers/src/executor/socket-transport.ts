/**
 * The runner protocol over a Unix socket, for runners that cannot be a forked child with a Node IPC channel (a
 * runner in a container: the executor listens on a socket in a folder mounted into the container, the runner
 * connects). Messages are framed as a 4-byte length and the V8 serialization of the value — the structured-clone
 * values Node IPC's "advanced" serialization carries.
 */
import { createConnection, type Server, type Socket } from "node:net";
import { deserialize, serialize } from "node:v8";
import type { FromRunner, ToRunner } from "./runner-protocol.js";
import type { RunnerPort } from "./runner-transport.js";

/** Where runner-main finds the socket to connect to (set by a launcher that uses this transport). */
export const RUNNER_SOCKET_ENV = "STINT_RUNNER_SOCKET";
/** A frame larger than this is refused: a runner runs user code and must not make its parent allocate without bound. */
const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export function writeFrame(socket: Socket, message: unknown): void {
  writeSerialized(socket, serialize(message));
}

function writeSerialized(socket: Socket, body: Buffer): void {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length);
  socket.write(Buffer.concat([header, body]));
}

/** Calls `listener` with each message read from `socket`; a malformed stream destroys the socket. */
export function readFrames(socket: Socket, listener: (message: unknown) => void): void {
  let buffered: Buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const length = buffered.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES)
        return void socket.destroy(new Error(`a runner message of ${length} bytes is over the limit`));
      if (buffered.length < 4 + length) return;
      const body = buffered.subarray(4, 4 + length);
      buffered = buffered.subarray(4 + length);
      let message: unknown;
      try {
        message = deserialize(body);
      } catch (error) {
        return void socket.destroy(error as Error);
      }
      listener(message);
    }
  });
}

/** The runner's end: connects to the executor's socket. */
export function socketRunnerPort(path: string): RunnerPort {
  const socket = createConnection(path);
  const listeners: Array<(message: ToRunner) => void> = [];
  readFrames(socket, (message) => listeners.forEach((listener) => listener(message as ToRunner)));
  return {
    send: (message: FromRunner) => writeFrame(socket, message),
    onMessage: (listener) => void listeners.push(listener),
    onDisconnect: (listener) => {
      socket.once("close", listener);
      socket.once("error", listener);
    },
  };
}

/**
 * The executor's end of one runner: the first connection `server` accepts. Messages sent before the runner connects
 * are queued (the `load` goes out as soon as the runner is started).
 */
export class RunnerSocket {
  private socket: Socket | undefined;
  private readonly queued: Buffer[] = [];
  private readonly listeners: Array<(message: unknown) => void> = [];
  private closed = false;

  constructor(server: Server) {
    server.once("connection", (socket) => {
      // One runner per socket: nobody else may connect after it.
      server.close();
      if (this.closed) return void socket.destroy();
      this.socket = socket;
      socket.on("error", () => undefined);
      readFrames(socket, (message) => this.listeners.forEach((listener) => listener(message)));
      for (const body of this.queued.splice(0)) writeSerialized(socket, body);
    });
  }

  send(message: unknown): void {
    if (this.closed) throw new Error("the runner is gone");
    // Serialized here, so a value the transport cannot carry fails the send (as Node IPC's would).
    const body = serialize(message);
    if (this.socket) writeSerialized(this.socket, body);
    else this.queued.push(body);
  }

  onMessage(listener: (message: unknown) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
  }
}
