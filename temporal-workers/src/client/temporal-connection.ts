import { InterceptingCall, Metadata, status, type Interceptor } from "@grpc/grpc-js";
import {
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
} from "@temporalio/client";

/** The call an interceptor wraps (grpc-js does not export its interface by name). */
type UnderlyingCall = ConstructorParameters<typeof InterceptingCall>[0];

/**
 * A call that never reached the network: it reports `CANCELLED` with the reason as soon as it is started, which the
 * retry interceptor does not retry and the caller receives as the call's failure. Like grpc-js's own unary calls it
 * reports an empty message first: the retry interceptor passes a failure on through the message callback that
 * message sets.
 */
function failedCall(reason: string): UnderlyingCall {
  return {
    start(_metadata, listener) {
      setImmediate(() => {
        listener?.onReceiveMessage?.(null);
        listener?.onReceiveStatus?.({ code: status.CANCELLED, details: reason, metadata: new Metadata() });
      });
    },
    cancelWithStatus() {},
    getPeer: () => "",
    sendMessageWithContext() {},
    sendMessage() {},
    startRead() {},
    halfClose() {},
    getAuthContext: () => null,
  };
}

/**
 * Why: @temporalio/client's retry interceptor starts each retry from a timer; when the connection was closed while a
 * call waited out its backoff (a process stopping while Temporal is down), grpc-js throws "Channel has been shut
 * down" from that timer, an uncaught exception. Placed after the retry interceptor, this turns that throw into the
 * call's own failure.
 */
const closedChannelGuard: Interceptor = (options, nextCall) => {
  try {
    return new InterceptingCall(nextCall(options));
  } catch (error) {
    return new InterceptingCall(failedCall(error instanceof Error ? error.message : String(error)));
  }
};

/** Temporal's default retries, and a retry that finds its connection closed fails its call instead of the process. */
export function temporalInterceptors(): Interceptor[] {
  return [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), closedChannelGuard];
}

/** `Connection.connect` with {@link temporalInterceptors}: how every Stint process connects to Temporal. */
export function connectTemporal(options: ConnectionOptions): Promise<Connection> {
  return Connection.connect({ ...options, interceptors: temporalInterceptors() });
}

/** `Connection.lazy` with {@link temporalInterceptors}. */
export function lazyTemporalConnection(options: ConnectionOptions): Connection {
  return Connection.lazy({ ...options, interceptors: temporalInterceptors() });
}
