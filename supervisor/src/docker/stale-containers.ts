/** Containers labelled with this supervisor's name that no live execution owns (left by a crash or a kill -9). */
import type Docker from "dockerode";
import { SUPERVISOR_LABEL } from "./container-spec.js";

export async function removeStaleContainers(
  docker: Docker,
  supervisorName: string,
  live: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${SUPERVISOR_LABEL}=${supervisorName}`] },
  });
  const stale = containers.filter((container) => !live.has(container.Id));
  await Promise.all(
    stale.map((container) =>
      docker
        .getContainer(container.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  return stale.map((container) => container.Names[0]?.replace(/^\//, "") ?? container.Id);
}
