/** `deployments.*`: Stint has no deployments yet (`stint deploy` ships later); each call fails naming it. */
import { unsupported } from "./unsupported.js";

export const deployments = {
  retrieveCurrent: async (_requestOptions?: unknown): Promise<never> => unsupported("deployments.retrieveCurrent"),
  list: async (_options?: unknown, _requestOptions?: unknown): Promise<never> => unsupported("deployments.list"),
};
