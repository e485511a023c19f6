import type { ReactNode } from "react";
import { EXPORT_PLACEHOLDER } from "../../lib/export-placeholder";

// Exported once under a placeholder; the page reads the real token from the URL (lib/path-segment.ts).
export const dynamicParams = false;
export function generateStaticParams() {
  return [{ token: EXPORT_PLACEHOLDER }];
}

export default function InviteLayout({ children }: { children: ReactNode }) {
  return children;
}
