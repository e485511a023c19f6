/**
 * A Trigger.dev project loads as it is: every runtime export of the newest @trigger.dev/sdk (4.8.3) and of each of its
 * subpaths exists in @stint/sdk, with the same members; what Stint does not support yet loads, and fails when called
 * with an error naming the feature.
 */
import { createRequire } from "node:module";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as real from "@trigger.dev/sdk";
import * as ours from "../src/index.js";
import { sdkGlobals } from "../src/runtime/globals.js";

const require = createRequire(import.meta.url);

/** Stint's module for each subpath of @trigger.dev/sdk (as package.json exports them). */
const SUBPATHS: Record<string, () => Promise<Record<string, unknown>>> = {
  "/v3": () => import("../src/v3.js"),
  "/ai": () => import("../src/subpaths/ai.js"),
  "/ai/test": () => import("../src/subpaths/ai-test.js"),
  "/ai/skills-runtime": () => import("../src/subpaths/ai-skills-runtime.js"),
  "/chat": () => import("../src/subpaths/chat.js"),
  "/chat/react": () => import("../src/subpaths/chat-react.js"),
  "/chat-server": () => import("../src/subpaths/chat-server.js"),
  "/oidc/aws": () => import("../src/subpaths/oidc-aws.js"),
};

/**
 * The value exports each subpath of the real package declares. Read from its type declarations: importing the
 * subpaths needs their optional peers (`ai`, `@aws-sdk/client-sts`), which a project without AI code does not have.
 */
function declaredValueExports(): Record<string, string[]> {
  const root = require.resolve("@trigger.dev/sdk/package.json").replace(/package\.json$/, "");
  const manifest = require("@trigger.dev/sdk/package.json") as {
    exports: Record<string, { import?: { types?: string } }>;
  };
  const files = Object.fromEntries(
    Object.keys(SUBPATHS).map((subpath) => [
      subpath,
      `${root}${manifest.exports[`.${subpath}`]!.import!.types!.replace(/^\.\//, "")}`,
    ]),
  );
  const program = ts.createProgram(Object.values(files), {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  return Object.fromEntries(
    Object.entries(files).map(([subpath, file]) => {
      const symbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
      const values = checker.getExportsOfModule(symbol).filter((e) => {
        // `export type { X }` of a value (a zod schema) exports no value at run time.
        if (e.declarations?.some((d) => ts.isTypeOnlyImportOrExportDeclaration(d))) return false;
        const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
        return (target.flags & ts.SymbolFlags.Value) !== 0;
      });
      return [subpath, values.map((e) => e.name)];
    }),
  );
}

const missingMembers = (theirs: object, mine: object) => Object.keys(theirs).filter((key) => !(key in mine));

describe("exports", () => {
  it("the real package is the newest this checks against", () => {
    expect((require("@trigger.dev/sdk/package.json") as { version: string }).version).toBe("4.8.3");
  });

  it("has every runtime export of @trigger.dev/sdk, and each exported object has the same members", () => {
    const missing = Object.keys(real).filter((name) => !(name in ours));
    expect(missing).toEqual([]);
    const lacking = Object.entries(real)
      .filter(([, value]) => value !== null && typeof value === "object")
      .map(([name, value]) => [name, missingMembers(value as object, (ours as Record<string, object>)[name]!)] as const)
      .filter(([, members]) => members.length > 0);
    expect(lacking).toEqual([]);
  });

  it("task instances, input streams and TriggerClient have the real SDK's members", () => {
    const theirTask = real.task({ id: "exports-probe", run: async () => 1 });
    const ourTask = ours.task({ id: "exports-probe", run: async () => 1 });
    expect(missingMembers(theirTask, ourTask)).toEqual([]);
    expect(missingMembers(real.streams.input({ id: "probe" }), ours.streams.input({ id: "probe" }))).toEqual([]);
    expect(missingMembers(real.streams.define({ id: "probe" }), ours.streams.define({ id: "probe" }))).toEqual([]);
    expect(missingMembers(new real.TriggerClient({}), new ours.TriggerClient({}))).toEqual([]);
    sdkGlobals().catalog.delete("exports-probe");
  });

  it("every subpath (/v3, /ai, /ai/test, /ai/skills-runtime, /chat, /chat/react, /chat-server, /oidc/aws) exists with every value export", async () => {
    const declared = declaredValueExports();
    for (const [subpath, load] of Object.entries(SUBPATHS)) {
      const module = await load();
      const missing = declared[subpath]!.filter((name) => !(name in module));
      expect({ subpath, missing }).toEqual({ subpath, missing: [] });
    }
  }, 120_000);

  it("the AI and chat surface loads: declarations made at import work, using them fails naming the feature", async () => {
    const { ai, chat } = await import("../src/subpaths/ai.js");
    const catalog = sdkGlobals().catalog;
    const schemaTool = ai.tool(ours.schemaTask({ id: "exports-tool", run: async () => 1 }));
    const local = chat.local({ id: "exports-local" });
    const agent = chat.agent({ id: "exports-chat-agent", run: async () => undefined });
    const typed = chat.withUIMessage().agent({ id: "exports-typed-agent", run: async () => undefined });
    // The chat builder's hooks are declarations too (Trigger.dev's reference project chains them at import).
    const hooked = chat
      .withClientData({ schema: undefined })
      .onBoot(() => undefined)
      .onChatStart(() => undefined)
      .onTurnComplete(() => undefined)
      .agent({ id: "exports-hooked-agent", run: async () => undefined });
    expect([schemaTool, local, agent, typed, hooked].every((value) => value !== undefined)).toBe(true);
    expect(catalog.has("exports-hooked-agent")).toBe(true);
    // A hook is a declaration only on a builder: chat.onChatStart itself is not one.
    expect(() => chat.onChatStart(() => undefined)).toThrow(/^chat\.onChatStart is not supported by Stint yet\.$/);
    // A chat agent is a task in Trigger.dev: it is listed, and a run of it fails naming the feature.
    const definition = catalog.get("exports-chat-agent")!;
    expect(definition).toBeDefined();
    expect(catalog.has("exports-typed-agent")).toBe(true);
    await expect(definition.options.run(undefined, {} as never)).rejects.toThrow(
      "chat.agent is not supported by Stint yet.",
    );
    expect(() => chat.createAccessToken("x")).toThrow(/^chat\.createAccessToken is not supported by Stint yet\.$/);
    expect(() => schemaTool.execute({})).toThrow(/ai\.tool\(…\)\.execute is not supported by Stint yet/);
    const { TriggerChatTransport } = await import("../src/subpaths/chat.js");
    expect(() => new TriggerChatTransport({})).toThrow(/new TriggerChatTransport is not supported by Stint yet/);
    const { useTriggerChatTransport } = await import("../src/subpaths/chat-react.js");
    expect(() => useTriggerChatTransport({})).toThrow(/useTriggerChatTransport is not supported by Stint yet/);
    const { awsCredentialProvider } = await import("../src/subpaths/oidc-aws.js");
    await expect(awsCredentialProvider({ roleArn: "arn:aws:iam::1:role/x" })()).rejects.toThrow(
      /awsCredentialProvider \(OIDC tokens for AWS\) is not supported by Stint yet/,
    );
    // Awaiting a declaration does not call it (it is not a thenable).
    expect(await Promise.resolve(local)).toBe(local);
    for (const id of ["exports-tool", "exports-chat-agent", "exports-typed-agent", "exports-hooked-agent"])
      catalog.delete(id);
  });

  it("calls Stint does not support yet throw an error naming the feature", async () => {
    const unsupported = /is not supported by Stint yet\./;
    expect(() => ours.webhooks.constructEvent()).toThrow(/webhooks\.constructEvent is not supported by Stint yet/);
    await expect(ours.deployments.retrieveCurrent()).rejects.toThrow(/deployments\.retrieveCurrent/);
    await expect(ours.auth.getOIDCToken()).rejects.toThrow(/auth\.getOIDCToken \(OIDC tokens\)/);
    expect(() => ours.concurrencyLimits.list()).toThrow(/concurrencyLimits\.list/);
    expect(() => ours.prompts.list()).toThrow(unsupported);
    const prompt = ours.prompts.define({ id: "greeting", content: "Hi {{name}}" });
    expect(() => prompt.resolve({ name: "Ada" })).toThrow(
      /prompts\.define\(…\)\.resolve is not supported by Stint yet/,
    );
    await expect(ours.sessions.start({ type: "chat" })).rejects.toThrow(/sessions\.start/);
    await expect(ours.runs.bulk.create({})).rejects.toThrow(/runs\.bulk\.create/);
    expect(() => ours.streams.pipe("tokens", (async function* () {})())).toThrow(/streams\.pipe/);
    await expect(ours.streams.input({ id: "approval" }).once()).rejects.toThrow(
      /streams\.input\("approval"\)\.once can only be used inside a task's run\(\) function/,
    );
  });

  it("declarations of unsupported features load: webhooks, concurrency limits, skills", () => {
    const endpoint = ours.defineWebhookEndpoint({ id: "stripe-events", source: ours.webhookSources.stripe() });
    expect(endpoint).toEqual({ id: "stripe-events", source: "stripe" });
    expect(ours.normalizeKeyString("{event.customer.id}")).toBe("{body.customer.id}");
    expect(ours.concurrencyLimit({ name: "openai", total: 25 })).toMatchObject({ name: "openai", total: 25 });
    expect(ours.skills.define({ id: "research" })).toBeDefined();
  });

  it("otel.metrics is OpenTelemetry's metrics API: instruments work (no-ops until a MeterProvider is registered)", () => {
    const meter = ours.otel.metrics.getMeter("exports-test");
    const counter = meter.createCounter("tasks_done");
    expect(() => counter.add(1, { task: "x" })).not.toThrow();
    expect(() => meter.createHistogram("latency").record(12)).not.toThrow();
    expect(ours.otel.withExternalTrace(() => 42)).toBe(42);
  });

  it("timeout.None is Trigger.dev's value (2147483647), accepted as a maxDuration", () => {
    expect(ours.timeout.None).toBe(real.timeout.None);
    expect(ours.timeout.None).toBe(2_147_483_647);
    expect(ours.timeout.signal).toBeUndefined();
  });

  it("queues.*, envvars.* and schedules.* without a configured webapp say how to configure one", async () => {
    const saved = { url: process.env.TRIGGER_API_URL, key: process.env.TRIGGER_SECRET_KEY };
    delete process.env.TRIGGER_API_URL;
    delete process.env.TRIGGER_SECRET_KEY;
    try {
      await expect(ours.queues.list()).rejects.toThrow(/configure\(\{ baseURL, accessToken \}\)/);
      await expect(ours.envvars.list("proj_x", "dev")).rejects.toThrow(/configure\(\{ baseURL, accessToken \}\)/);
      await expect(ours.schedules.list()).rejects.toThrow(/schedules\.list: no Stint webapp is configured/);
      await expect(ours.runs.retrieve("run_x")).rejects.toThrow(
        /runs\.retrieve: no Stint engine or webapp is configured/,
      );
      // Outside a task there is no run to take the project and environment from.
      await expect(ours.envvars.list()).rejects.toThrow(/project ref and environment slug/);
    } finally {
      if (saved.url) process.env.TRIGGER_API_URL = saved.url;
      if (saved.key) process.env.TRIGGER_SECRET_KEY = saved.key;
    }
  });

  it("API error classes carry their HTTP status", () => {
    expect(new ours.NotFoundError("gone").status).toBe(404);
    expect(new ours.RateLimitError("slow down")).toBeInstanceOf(ours.ApiError);
    expect(ours.isChatChunkTooLargeError(new ours.ChatChunkTooLargeError(10, 5))).toBe(true);
  });

  it("createCache memoises by key", async () => {
    const cache = ours.createCache(new ours.InMemoryCache());
    let calls = 0;
    const compute = async () => ++calls;
    expect(await cache("k", compute)).toBe(1);
    expect(await cache("k", compute)).toBe(1);
    expect(await cache("other", compute)).toBe(2);
  });
});
