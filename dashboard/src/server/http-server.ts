/**
 * One HTTP server for the webapp: the REST API (/api, /engine, /healthz), the dashboard's JSON API (/ui-api), the
 * embedded object store's presigned URLs (/objects/v1), and the dashboard pages (static files) for everything else.
 */
import { createServer, type RequestListener, type Server } from "node:http";
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

/** A bound HTTP server: it holds its port from the start and answers 503 until `serve` gives it its routes. */
export interface BoundHttpServer {
  server: Server;
  /** The port it listens on (the one the OS chose when asked for port 0). */
  port: number;
  serve(routes: HttpRoutes): void;
}

/**
 * Binds the port before the webapp starts its services, so nothing can take it meanwhile (asking the OS for a free port
 * and binding it seconds later lost the port to another process under load), and the URL is known from the start.
 */
export async function bindHttpServer(port: number, host: string): Promise<BoundHttpServer> {
  let handle: RequestListener = (_req, res) => {
    res
      .writeHead(503, { "content-type": "application/json", "retry-after": "1" })
      .end(JSON.stringify({ error: "The webapp is starting" }));
  };
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    server,
    port: typeof address === "object" && address ? address.port : port,
    serve(routes) {
      handle = routeRequests(routes);
    },
  };
}

function routeRequests(routes: HttpRoutes): RequestListener {
  const api = getRequestListener(routes.api);
  const uiApi = getRequestListener(routes.uiApi);
  const objects = routes.objects && getRequestListener(routes.objects);
  const pages = routes.pages && getRequestListener(routes.pages);
  return (req, res) => {
    const path = req.url ?? "/";
    if (path.startsWith("/ui-api/") || path === "/ui-api") return void uiApi(req, res);
    if (objects && path.startsWith(EMBEDDED_OBJECTS_PATH)) return void objects(req, res);
    if (API_PREFIXES.some((prefix) => path.startsWith(prefix)) || path === "/healthz") return void api(req, res);
    if (pages) return void pages(req, res);
    res
      .writeHead(404, { "content-type": "application/json" })
      .end(JSON.stringify({ error: "The dashboard UI is not running in this process" }));
  };
}
