"use client";
/**
 * The dashboard is a static export: a page under a dynamic segment ([runId], [token]) is exported once, under the
 * placeholder "_", and the webapp serves that file for every value. The value is read from the address bar, not
 * from the page's params (which name the placeholder). Empty while prerendering and hydrating.
 */
import { useSyncExternalStore } from "react";

const noUpdates = () => () => {};

export function useLastPathSegment(): string {
  return useSyncExternalStore(
    noUpdates,
    () => decodeURIComponent(window.location.pathname.split("/").filter(Boolean).pop() ?? ""),
    () => "",
  );
}
