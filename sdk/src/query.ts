/**
 * `query`: Trigger.dev's SQL-like queries over runs (TRQL, run on ClickHouse) and its dashboards. Stint has no query
 * engine over its run index yet: each call fails naming it. List runs with `runs.list({ … })` instead.
 */
import { unsupported, unsupportedMethods } from "./unsupported.js";

export type QueryScope = "environment" | "project" | "organization";
export type QueryFormat = "json" | "csv";
export type QueryOptions = {
  scope?: QueryScope;
  period?: string;
  from?: Date | number;
  to?: Date | number;
  format?: QueryFormat;
};

export const query = {
  execute: async (_query: string, _options?: QueryOptions, _requestOptions?: unknown): Promise<never> =>
    unsupported("query.execute (TRQL queries; use runs.list to list runs)"),
  dashboards: unsupportedMethods("query.dashboards", [
    "list",
    "retrieve",
    "create",
    "update",
    "replace",
    "delete",
    "addWidget",
    "updateWidget",
    "deleteWidget",
  ]),
};
