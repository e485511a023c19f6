/**
 * Parts of the Trigger.dev v4 surface that need Stint components not shipped yet (the webapp's management API,
 * realtime streams, alert webhooks). They exist so imports resolve; calling them fails with an error naming the
 * feature — never a silent success.
 */
function notYet(feature: string): never {
  throw new Error(`${feature} is not supported by Stint yet: it needs the Stint webapp, which a later version ships.`);
}

const stubs = <K extends string>(area: string, names: readonly K[]) =>
  Object.fromEntries(names.map((name) => [name, (..._args: unknown[]) => notYet(`${area}.${name}`)])) as Record<K, (...args: unknown[]) => never>;

export const streams = stubs("streams", ["pipe", "read", "append", "writer"] as const);

export class WebhookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookError";
  }
}
export const webhooks = { constructEvent: (..._args: unknown[]): never => notYet("webhooks.constructEvent") };

export const otel = {
  get metrics(): never {
    return notYet("otel.metrics");
  },
};
