// Executed by temporal-workers/test/docs-examples.test.ts; README.md ("Writing tasks") shows the region below.
// #region welcome
import { task, wait } from "@trigger.dev/sdk";

export const welcome = task({
  id: "welcome-email",
  retry: { maxAttempts: 5 },
  run: async (payload: { userId: string }) => {
    const user = await sendWelcome.triggerAndWait({ userId: payload.userId }).unwrap();
    await wait.for({ days: 3 }); // suspends: no worker is held for three days
    await followUp.trigger({ userId: payload.userId });
    return { sentTo: user.email };
  },
});
// #endregion welcome

/** Stands for the email provider: the address the welcome went to. */
export const sendWelcome = task({
  id: "send-welcome",
  run: async (payload: { userId: string }) => ({ email: `${payload.userId}@example.com` }),
});

export const followUp = task({
  id: "welcome-follow-up",
  run: async (payload: { userId: string }) => ({ followedUp: payload.userId }),
});
