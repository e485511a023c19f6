/** Commands that need components later issues deliver: say so plainly and fail, never pretend. */
export function runUnavailable(command: "login" | "deploy"): number {
  const needs = command === "login" ? "the Stint webapp (dashboard + API)" : "the Stint webapp and a supervisor on your worker servers";
  console.error(`stint ${command} needs ${needs}, which this version does not ship yet. Use \`stint dev\` to run tasks locally.`);
  return 1;
}
