/**
 * `otel`: OpenTelemetry's metrics API (`otel.metrics.getMeter(…)`), as in Trigger.dev. Meters are no-ops until the
 * process registers a MeterProvider (Stint exports no metrics of its own yet), so instruments never throw.
 */
import { metrics } from "@opentelemetry/api";

export const otel = {
  metrics,
  /** Trigger.dev links spans made in `fn` to an external trace; Stint records no spans, so it just runs `fn`. */
  withExternalTrace: <T>(fn: () => T): T => fn(),
};
