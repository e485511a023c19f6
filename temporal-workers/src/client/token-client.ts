/** Waitpoint tokens of one environment: each is a token workflow (workflow id = token id) that a completion closes. */
import { randomUUID } from "node:crypto";
import { WorkflowExecutionAlreadyStartedError, type Client } from "@temporalio/client";
import type { TokenOptionsWire, TokenState, TokenWire } from "@stint/sdk/runtime";
import { completeTokenUpdate, tokenStateQuery } from "../shared/messages.js";
import { SA, TOKEN_WORKFLOW_TYPE } from "../shared/search-attributes.js";
import { newTokenInput, tokenStartOptions, tokenWire } from "../shared/tokens.js";
import { EngineError } from "../errors.js";
import { parse, tokenIdSchema } from "./input-parsing.js";
import { buildTokenListQuery, decodeCursor, encodeCursor, listPage, type ListTokensFilter } from "./list-runs.js";
import { isNotFound } from "./temporal-errors.js";

export class TokenClient {
  constructor(
    private readonly client: Client,
    /** The environment's slug: its tokens carry it in a search attribute. */
    private readonly environment: string,
    /** The engine's workflow task queue, where token workflows run. */
    private readonly workflowTaskQueue: string,
  ) {}

  async create(options: TokenOptionsWire): Promise<TokenWire> {
    const input = newTokenInput(options, randomUUID(), this.environment, Date.now());
    const { id } = input;
    try {
      await this.client.workflow.start(TOKEN_WORKFLOW_TYPE, tokenStartOptions(input, this.workflowTaskQueue));
      return tokenWire(id, false);
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return tokenWire(id, true);
      throw error;
    }
  }

  async complete(tokenId: string, data: unknown): Promise<{ success: true }> {
    const handle = this.client.workflow.getHandle(parse(tokenIdSchema, tokenId, "tokenId"));
    try {
      return await handle.executeUpdate(completeTokenUpdate, { args: [{ data }] });
    } catch (error) {
      if (isNotFound(error)) throw new EngineError(404, `Waitpoint token ${tokenId} not found or already closed`);
      throw error;
    }
  }

  /** The environment a waitpoint token belongs to (its search attribute), or undefined when there is no such token. */
  async environmentOf(tokenId: string): Promise<string | undefined> {
    try {
      const description = await this.client.workflow.getHandle(tokenId).describe();
      return description.typedSearchAttributes.get(SA.environment) ?? undefined;
    } catch {
      return undefined;
    }
  }

  async retrieve(tokenId: string): Promise<TokenState> {
    const handle = this.client.workflow.getHandle(parse(tokenIdSchema, tokenId, "tokenId"));
    try {
      const description = await handle.describe();
      if (description.status.name === "RUNNING") return await handle.query(tokenStateQuery);
      return (await handle.result()) as TokenState;
    } catch (error) {
      if (isNotFound(error)) throw new EngineError(404, `Waitpoint token ${tokenId} not found`);
      throw error;
    }
  }

  async list(filter: ListTokensFilter = {}): Promise<{ data: TokenState[]; nextCursor?: string }> {
    const pageSize = Math.min(Math.max(filter.limit ?? 25, 1), 100);
    const { executions, nextPageToken } = await listPage(
      this.client,
      buildTokenListQuery(this.environment, filter),
      pageSize,
      decodeCursor(filter.after),
    );
    const data = await Promise.all(executions.map((e) => this.retrieve(e.workflowId)));
    return { data, nextCursor: nextPageToken ? encodeCursor(nextPageToken) : undefined };
  }
}
