/** Stint registers its search attributes on a namespace that lacks them (servers other than the dev server). */
import { afterAll, describe, expect, inject, it } from "vitest";
import { Connection } from "@temporalio/client";
import { msToTs } from "@temporalio/common";
import { ensureSearchAttributes } from "../src/client/ensure-search-attributes.js";
import { SEARCH_ATTRIBUTE_DEFINITIONS } from "../src/shared/search-attributes.js";

let connection: Connection;
afterAll(async () => connection?.close());

describe("search attribute registration", () => {
  it("adds only the missing attributes, and is a no-op the second time", async () => {
    connection = await Connection.connect({ address: inject("temporalAddress") });
    const namespace = `sa-${Date.now()}`;
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs("1 day"),
    });
    const before = await connection.operatorService.listSearchAttributes({ namespace });
    const added = await ensureSearchAttributes(connection, namespace);
    const expected = Object.keys(SEARCH_ATTRIBUTE_DEFINITIONS).filter(
      (name) => !(name in (before.customAttributes ?? {})),
    );
    expect(added.sort()).toEqual(expected.sort());
    const after = await connection.operatorService.listSearchAttributes({ namespace });
    for (const name of Object.keys(SEARCH_ATTRIBUTE_DEFINITIONS)) expect(after.customAttributes).toHaveProperty(name);
    expect(await ensureSearchAttributes(connection, namespace)).toEqual([]);
  });
});
