/**
 * Webhooks of the Trigger.dev v4 surface. Declarations load and a `webhook()` task runs its `onEvent` when triggered
 * with `{ event, headers?, endpoint? }`; what needs Stint's hosted webhook ingress (receiving deliveries, waiters,
 * alert webhooks' constructEvent) fails when called, naming the feature.
 */
import { createTask } from "./tasks/task.js";
import type { TaskOptions } from "./tasks/definition.js";
import { unsupported, unsupportedMethods } from "./unsupported.js";

/** Where a webhook endpoint's deliveries come from, as declared (nothing receives them in Stint yet). */
export interface WebhookSource<TEvent = unknown> {
  provider: string;
  options?: unknown;
  /** Type brand, never present at run time. */
  __event?: TEvent;
}

const source =
  (provider: string) =>
  <TEvent = unknown>(options?: unknown): WebhookSource<TEvent> => ({ provider, options });

export const webhookSources = {
  custom: source("custom"),
  stripe: source("stripe"),
  github: source("github"),
  svix: source("svix"),
  standardWebhooks: source("standard-webhooks"),
  square: source("square"),
  discord: source("discord"),
  clerk: source("clerk"),
  resend: source("resend"),
  openai: source("openai"),
  replicate: source("replicate"),
  recallai: source("recallai"),
  brex: source("brex"),
  composio: source("composio"),
  gitlab: source("gitlab"),
  whatsapp: source("whatsapp"),
  hookdeck: source("hookdeck"),
};

const PROVIDERS = [
  "calendly",
  "calCom",
  "sentry",
  "pagerduty",
  "vercel",
  "linear",
  "notion",
  "typeform",
  "docusign",
  "jira",
  "intercom",
  "zendesk",
  "attio",
  "workos",
  "elevenlabs",
  "vapi",
  "retell",
  "shopify",
  "loops",
  "granola",
  "autumn",
  "metronome",
  "mux",
  "tailscale",
  "langfuse",
  "infisical",
  "planetscale",
  "plain",
  "firecrawl",
  "supabase",
] as const;
export const providerProducers = Object.fromEntries(PROVIDERS.map((name) => [name, source(name)])) as Record<
  (typeof PROVIDERS)[number],
  ReturnType<typeof source>
>;

export interface WebhookEndpoint<TEvent = unknown> {
  id: string;
  source: string;
  __event?: TEvent;
}

export function defineWebhookEndpoint<TIdentifier extends string, TEvent = unknown>(options: {
  id: TIdentifier;
  source: WebhookSource<TEvent>;
  description?: string;
  metadata?: Record<string, unknown>;
}): WebhookEndpoint<TEvent> & { id: TIdentifier } {
  if (options.id.startsWith("wh_"))
    throw new Error(`webhooks.endpoint.define("${options.id}"): an endpoint id can't start with "wh_" (reserved)`);
  return { id: options.id, source: options.source.provider };
}

export type WebhookTaskPayload<TEvent> = { event: TEvent; headers?: Record<string, string>; endpoint?: unknown };

/** A task run by its endpoint's deliveries; in Stint, by triggering it with `{ event, headers? }`. */
export function webhook<TIdentifier extends string, TEvent = unknown>(
  options: Omit<TaskOptions<TIdentifier, WebhookTaskPayload<TEvent>, void>, "run"> & {
    endpoint: WebhookEndpoint<TEvent>;
    filter?: string;
    onEvent: (params: { event: TEvent; headers: Headers; endpoint?: unknown; ctx: unknown }) => Promise<void> | void;
  },
) {
  const { endpoint, onEvent, filter: _filter, ...taskOptions } = options;
  if (!endpoint?.id)
    throw new Error(
      `webhook("${options.id}"): an endpoint is required; declare one with webhooks.endpoint.define() and pass it as { endpoint }`,
    );
  return createTask<TIdentifier, WebhookTaskPayload<TEvent>, void>({
    ...(taskOptions as TaskOptions<TIdentifier, WebhookTaskPayload<TEvent>, void>),
    run: async (payload, { ctx }) => {
      await onEvent({
        event: payload.event,
        headers: new Headers(payload.headers ?? {}),
        endpoint: payload.endpoint,
        ctx,
      });
    },
  });
}

/**
 * A key template's stored form: `{event.x}` reads the event body (`{body.x}`), `{header.x}` a header, `{webhook.x}`
 * the endpoint; alternatives are separated by `||`. A placeholder without a namespace is refused.
 */
export function normalizeKeyString(key: string): string {
  const alternative = (text: string) => {
    const trimmed = text.trim();
    if (trimmed.startsWith("event.")) return `body.${trimmed.slice("event.".length)}`;
    if (trimmed.startsWith("webhook.") || trimmed.startsWith("header.")) return trimmed;
    const path = trimmed.startsWith("body.") ? trimmed.slice("body.".length) : trimmed;
    throw new Error(
      `Invalid key "${key}": "{${trimmed}}" needs a namespace. Use {event.${path}} for the event body, {header.<name>} or {webhook.<field>}.`,
    );
  };
  return key.replace(/\{([^{}]+)\}/g, (_match, path: string) => `{${path.split("||").map(alternative).join(" || ")}}`);
}

/** A chat session subscriber's declaration (chat agents are not supported by Stint yet; the declaration loads). */
export function chatEvent(options: {
  id: string;
  endpoint: WebhookEndpoint;
  key: string;
  type?: string;
  filter?: string;
}) {
  if (!options.endpoint?.id) throw new Error(`chat.event("${options.id}"): an endpoint is required`);
  return {
    id: options.id,
    type: options.type ?? options.id,
    key: normalizeKeyString(options.key),
    endpointId: options.endpoint.id,
    source: options.endpoint.source,
    filter: options.filter,
  };
}

export const webhooks = {
  ...providerProducers,
  ...webhookSources,
  SIGNATURE_HEADER_NAME: "x-trigger-signature-hmacsha256",
  /** Verifies Trigger.dev alert webhooks, which Stint does not send. */
  constructEvent: (..._args: unknown[]): never => unsupported("webhooks.constructEvent"),
  endpoint: { define: defineWebhookEndpoint },
  waiter: unsupportedMethods("webhooks.waiter", ["create", "wait", "cancel"]),
};
