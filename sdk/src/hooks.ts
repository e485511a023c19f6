/** Global lifecycle hooks: tasks.onStartAttempt(fn) etc. apply to every task in the project. */
import { sdkGlobals } from "./runtime/globals.js";
import type { GlobalHooks } from "./tasks/definition.js";

function adder<K extends keyof GlobalHooks>(key: K) {
  return (nameOrFn: string | GlobalHooks[K][number], maybeFn?: GlobalHooks[K][number]): void => {
    const fn = (typeof nameOrFn === "function" ? nameOrFn : maybeFn) as GlobalHooks[K][number];
    if (typeof fn !== "function") throw new TypeError(`tasks.${key}: expected a function`);
    (sdkGlobals().hooks[key] as unknown[]).push(fn);
  };
}

export const onStartAttempt = adder("onStartAttempt");
export const onStart = adder("onStartAttempt");
export const onSuccess = adder("onSuccess");
export const onFailure = adder("onFailure");
export const onComplete = adder("onComplete");
export const onWait = adder("onWait");
export const onResume = adder("onResume");
export const onCancel = adder("onCancel");
export const onCatchError = adder("catchError");
export const onHandleError = adder("catchError");
export const middleware = adder("middleware");
