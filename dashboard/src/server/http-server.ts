/**
 * One HTTP server for the webapp: the REST API (/api, /engine, /healthz), the dashboard's JSON API (/ui-api), the
 * embedded object store's presigned URLs (/objects/v1), and the dashboard pages (static files) for everything else.
 */
import { createServer, type Server } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { EMBEDDED_OBJECTS_PATH } from "@stint/object-store";

export interface HttpRoutes {
  api: (request: Request) => Response | Promise<Response>;
  uiApi: (request: Request) => Response | Promise<Response>;
  /** The dashboard pages (the UI's static export); without them, pages answer 404. */
  pages?: (request: Request) => Response | Promise<Response>;
  /** The embedded object store's presigned URLs (`/objects/v1/…`), when the webapp serves them. */
  objects?: (request: Request) => Response | Promise<Response>;
}

const API_PREFIXES = ["/api/", "/engine/", "/realtime/"];

export async function listen(routes: HttpRoutes, port: number, host: string): Promise<Server> {
  const api = getRequestListener(routes.api);
  const uiApi = getRequestListener(routes.uiApi);
  const objects = routes.objects && getRequestListener(routes.objects);
  const pages = routes.pages && getRequestListener(routes.pages);
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    if (path.startsWith("/ui-api/") || path === "/ui-api") return void uiApi(req, res);
    if (objects && path.startsWith(EMBEDDED_OBJECTS_PATH)) return void objects(req, res);
    if (API_PREFIXES.some((prefix) => path.startsWith(prefix)) || path === "/healthz") return void api(req, res);
    if (pages) return void pages(req, res);
    res
      .writeHead(404, { "content-type": "application/json" })
      .end(JSON.stringify({ error: "The dashboard UI is not running in this process" }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
