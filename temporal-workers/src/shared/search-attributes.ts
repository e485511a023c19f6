/** Search attributes that make runs findable with `temporal workflow list --query`. */
import { defineSearchAttributeKey, SearchAttributeType } from "@temporalio/common";

export const SA = {
  taskId: defineSearchAttributeKey("StintTaskId", SearchAttributeType.KEYWORD),
  environment: defineSearchAttributeKey("StintEnvironment", SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey("StintStatus", SearchAttributeType.KEYWORD),
  tags: defineSearchAttributeKey("StintTags", SearchAttributeType.KEYWORD_LIST),
  batchId: defineSearchAttributeKey("StintBatchId", SearchAttributeType.KEYWORD),
  parentRunId: defineSearchAttributeKey("StintParentRunId", SearchAttributeType.KEYWORD),
  rootRunId: defineSearchAttributeKey("StintRootRunId", SearchAttributeType.KEYWORD),
  idempotencyKey: defineSearchAttributeKey("StintIdempotencyKey", SearchAttributeType.KEYWORD),
  /** The schedule whose firing started the run (Trigger.dev's `filter[schedule]`). */
  scheduleId: defineSearchAttributeKey("StintScheduleId", SearchAttributeType.KEYWORD),
  /** When the run last changed status: what the webapp's run index syncs from. */
  updatedAt: defineSearchAttributeKey("StintUpdatedAt", SearchAttributeType.DATETIME),
} as const;

/** Name → type, for `temporal server start-dev --search-attribute` and the operator API. */
export const SEARCH_ATTRIBUTE_DEFINITIONS: Record<string, "Keyword" | "KeywordList" | "Datetime"> = {
  StintTaskId: "Keyword",
  StintEnvironment: "Keyword",
  StintStatus: "Keyword",
  StintTags: "KeywordList",
  StintBatchId: "Keyword",
  StintParentRunId: "Keyword",
  StintRootRunId: "Keyword",
  StintIdempotencyKey: "Keyword",
  StintScheduleId: "Keyword",
  StintUpdatedAt: "Datetime",
};

export const RUN_WORKFLOW_TYPE = "runWorkflow";
export const TOKEN_WORKFLOW_TYPE = "tokenWorkflow";
export const SCHEDULE_FIRE_WORKFLOW_TYPE = "scheduleFireWorkflow";
