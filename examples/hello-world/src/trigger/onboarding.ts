import { metadata, schemaTask, task, wait } from "@trigger.dev/sdk";
import { z } from "zod";
import { helloWorld } from "./hello-world";

export const sendEmail = schemaTask({
  id: "send-email",
  schema: z.object({ to: z.string().email(), subject: z.string().min(1) }),
  run: async (email) => ({ id: `msg_${email.to.length}_${email.subject.length}`, ...email }),
});

/** Greets, waits, then sends a welcome email: a child run, a durable wait and another child run. */
export const onboarding = task({
  id: "onboarding",
  run: async (payload: { name: string; email: string }) => {
    const greeting = await helloWorld.triggerAndWait({ name: payload.name }).unwrap();
    metadata.set("step", "greeted");
    await wait.for({ seconds: 5 });
    const email = await sendEmail.triggerAndWait({ to: payload.email, subject: greeting.message }).unwrap();
    metadata.set("step", "emailed");
    return { greeting: greeting.message, emailId: email.id };
  },
});
