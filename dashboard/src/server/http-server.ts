/**
 * One HTTP server for the webapp: the REST API (/api, /engine, /healthz), the dashboard's JSON API (/ui-api), the
 * embedded object store's presigned URLs (/objects/v1), and the Next.js dashboard pages for everything else.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { EMBEDDED_OBJECTS_PATH } from "@stint/object-store";

type Listener = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpRoutes {
  api: (request: Request) => Response | Promise<Response>;
  uiApi: (request: Request) => Response | Promise<Response>;
  /** The Next.js request handler; without it, pages answer 404. */
  pages?: Listener;
  /** The embedded object store's presigned URLs (`/objects/v1/…`), when the webapp serves them. */
  objects?: (request: Request) => Response | Promise<Response>;
}

const API_PREFIXES = ["/api/", "/engine/", "/realtime/"];

export async function listen(routes: HttpRoutes, port: number, host: string): Promise<Server> {
  const api = getRequestListener(routes.api);
  const uiApi = getRequestListener(routes.uiApi);
  const objects = routes.objects && getRequestListener(routes.objects);
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    if (path.startsWith("/ui-api/") || path === "/ui-api") return void uiApi(req, res);
    if (objects && path.startsWith(EMBEDDED_OBJECTS_PATH)) return void objects(req, res);
    if (API_PREFIXES.some((prefix) => path.startsWith(prefix)) || path === "/healthz") return void api(req, res);
    if (routes.pages) return void routes.pages(req, res);
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "The dashboard UI is not running in this process" }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
