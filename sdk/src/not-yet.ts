/**
 * Parts of the Trigger.dev v4 surface that need Stint components not shipped yet (alert webhooks, OpenTelemetry
 * metrics). They exist so imports resolve; calling them fails with an error naming the feature — never a silent
 * success.
 */
function notYet(feature: string): never {
  throw new Error(`${feature} is not supported by Stint yet.`);
}

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
