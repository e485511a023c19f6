import { logger, task } from "@trigger.dev/sdk";

export const helloWorld = task({
  id: "hello-world",
  run: async (payload: { name?: string }, { ctx }) => {
    logger.info("Saying hello", { name: payload.name, attempt: ctx.attempt.number });
    return { message: `Hello, ${payload.name ?? "world"}!` };
  },
});
