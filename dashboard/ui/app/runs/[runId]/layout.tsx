import type { ReactNode } from "react";
import { EXPORT_PLACEHOLDER } from "../../lib/export-placeholder";

// Exported once under a placeholder; the page reads the real runId from the URL (lib/path-segment.ts).
export const dynamicParams = false;
export function generateStaticParams() {
  return [{ runId: EXPORT_PLACEHOLDER }];
}

export default function RunLayout({ children }: { children: ReactNode }) {
  return children;
}
