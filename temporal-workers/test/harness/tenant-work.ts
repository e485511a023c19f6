/** A task for the multi-tenant tests: it records which tenant each run belongs to, in the order runs started. */
import { task } from "@stint/sdk";

/** Defines task `id` (payload `{ tenant }`, holding its slot `holdMs`) and returns the tenants of its runs as they start. */
export function tenantWorkTask(id: string, holdMs: number): string[] {
  const starts: string[] = [];
  task({
    id,
    run: async (payload: { tenant: string }) => {
      starts.push(payload.tenant);
      await new Promise((r) => setTimeout(r, holdMs));
    },
  });
  return starts;
}
