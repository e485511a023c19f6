/**
 * esbuild keeps its service process alive after a build (and after a buildSync, a worker thread with a second one):
 * about 140 MB of a `stint dev` session's idle memory, for builds that happen only when files change. Stopping it
 * after each build costs nothing: the next build starts a new one.
 */
import { stop } from "esbuild";

export async function releaseBundler(): Promise<void> {
  await stop();
}
