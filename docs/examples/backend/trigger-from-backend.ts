// Backend code (the real @trigger.dev/sdk client), executed by dashboard/test/docs-examples.test.ts against a real
// webapp; README.md and docs/rest-api.md show the regions below.
// #region trigger
// #region configure
import { configure, runs, tasks } from "@trigger.dev/sdk";
configure({
  baseURL: process.env.TRIGGER_API_URL ?? "http://127.0.0.1:3030",
  accessToken: process.env.TRIGGER_SECRET_KEY,
});
// #endregion configure
const handle = await tasks.trigger("hello-world", { name: "Ada" });
console.log(await runs.poll(handle.id));
// #endregion trigger

export const finished = await runs.retrieve(handle.id);
