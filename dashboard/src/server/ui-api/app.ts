/**
 * The dashboard's own JSON API (under /ui-api), behind a login session cookie. The Next.js pages are thin clients of
 * it, so the UI never holds a secret key and every action is checked against the user's memberships.
 */
import { Hono, type Context, type Next } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import type { BatchItemWire } from "@stint/sdk/runtime";
import { isPacketRef } from "@stint/temporal-workers";
import { ApiError, errorResponse, notFound } from "../api/api-error.js";
import { ownedRun } from "../api/ownership.js";
import type { ApiServices } from "../api/services.js";
import { jsonSafeResponses } from "../api/json-safe-responses.js";
import { parseBody, parseValue, refuseControlCharacters, runIdParam, taskIdParam } from "../api/validation.js";
import {
  SESSION_COOKIE,
  createMagicLink,
  createUserSession,
  endUserSession,
  loginWithPassword,
  redeemMagicLink,
  userFromSession,
  type SessionUser,
} from "../auth/user-sessions.js";
import { rotateSecretKey } from "../tenancy/create-project.js";
import { streamsOfRun } from "../streams/run-stream-sql.js";
import {
  environmentForUser,
  organizationForUser,
  overviewForUser,
  requireAdmin,
  requireInstanceAdmin,
} from "./membership.js";
import { createWorkerGroup, listWorkerGroups, rotateWorkerToken } from "../workers/worker-groups.js";
import { acceptInvite, createInvite, findInvite } from "../tenancy/invites.js";
import { gitHubAuthorizeUrl, gitHubVerifiedEmail, type GitHubOAuthConfig } from "../auth/github-oauth.js";
import { randomToken } from "../auth/secrets.js";
import { revealSecretKey } from "../auth/reveal-secret-key.js";
import { emailAddressSchema } from "../auth/email-address.js";
import { createAccessToken, listAccessTokens, revokeAccessToken } from "../auth/access-tokens.js";
import { clashesInEnvironment } from "../dev-sessions/session-clashes.js";
import { deploymentUiRoutes } from "./deployment-routes.js";
import { schedulingUiRoutes } from "./scheduling-routes.js";
import { listRunsForDashboard } from "./runs-list.js";
import { currentTasks } from "./current-tasks.js";
import { attemptView, logLevelsOfQuery, waitpointView } from "./run-detail.js";

/** The Workers page lists `stint dev` sessions gone for longer than this only when asked. */
const DISCONNECTED_SESSIONS_SHOWN_MS = 60 * 60 * 1000;

/** The run page shows the start of each realtime stream (readers get all of it from the API). */
const STREAM_CHUNKS_SHOWN = 500;

type UiEnv = { Variables: { user: SessionUser } };

export interface UiApiOptions {
  temporalUiUrl?: string;
  temporalNamespace: string;
  /** Where magic links go when no mail server is configured. */
  log: (line: string) => void;
  /** "Log in with GitHub", when configured. */
  github?: GitHubOAuthConfig;
}

const OAUTH_STATE_COOKIE = "stint_oauth_state";

export function createUiApi(services: ApiServices, options: UiApiOptions): Hono<UiEnv> {
  const app = new Hono<UiEnv>().basePath("/ui-api");
  app.onError((error, c) => errorResponse(error, c));
  app.notFound((c) => errorResponse(notFound(`${c.req.method} ${new URL(c.req.url).pathname}`), c));
  app.use("*", jsonSafeResponses);
  app.use("*", async (c, next) => {
    refuseControlCharacters(new URL(c.req.url));
    await services.engineHealth.withRequestDeadline(c.req.method, () => next());
  });
  const { db } = services;

  const startSession = async (c: Context, userId: string) => {
    const session = await createUserSession(db, userId);
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: "Lax",
      path: "/",
      expires: session.expiresAt,
    });
  };

  app.post("/login", async (c) => {
    const body = await parseBody(
      c,
      z.object({ email: emailAddressSchema, password: z.string().min(1, "password is required") }),
    );
    const userId = await loginWithPassword(db, body.email, body.password);
    if (!userId) throw new ApiError(401, "Wrong email or password");
    await startSession(c, userId);
    return c.json({ ok: true });
  });

  app.post("/login/magic", async (c) => {
    const body = await parseBody(c, z.object({ email: emailAddressSchema }));
    const link = await createMagicLink(db, body.email, new URL(c.req.url).origin);
    // No mail server: the link goes to the server log. The answer is the same either way (no account probing).
    if (link) options.log(`[login] magic link for ${body.email}: ${link}`);
    return c.json({ sent: true });
  });

  app.get("/login/magic/:token", async (c) => {
    const userId = await redeemMagicLink(db, c.req.param("token"));
    if (!userId) return c.redirect("/login?error=expired");
    await startSession(c, userId);
    return c.redirect("/");
  });

  app.get("/auth/providers", (c) => c.json({ github: Boolean(options.github) }));

  const gitHubCallback = () => `${services.publicUrl()}/ui-api/auth/github/callback`;
  app.get("/auth/github", (c) => {
    if (!options.github) throw notFound("GitHub login (set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET to turn it on)");
    // The state ties GitHub's answer to this browser: a forged callback cannot log anyone in.
    const state = randomToken(32);
    setCookie(c, OAUTH_STATE_COOKIE, state, {
      httpOnly: true,
      sameSite: "Lax",
      path: "/ui-api/auth/github",
      maxAge: 600,
    });
    return c.redirect(gitHubAuthorizeUrl(options.github, gitHubCallback(), state));
  });

  app.get("/auth/github/callback", async (c) => {
    if (!options.github) throw notFound("GitHub login");
    const query = parseValue(
      z.object({ code: z.string().min(1, "code is missing"), state: z.string().min(1, "state is missing") }),
      c.req.query(),
      "query",
    );
    const expected = getCookie(c, OAUTH_STATE_COOKIE);
    deleteCookie(c, OAUTH_STATE_COOKIE, { path: "/ui-api/auth/github" });
    if (!expected || expected !== query.state)
      throw new ApiError(
        400,
        "state: this GitHub answer does not match a login started in this browser; start again from the login page",
      );
    let email: string;
    try {
      email = await gitHubVerifiedEmail(options.github, query.code, gitHubCallback());
    } catch (error) {
      options.log(`[login] GitHub login failed: ${(error as Error).message}`);
      return c.redirect("/login?error=github");
    }
    const user = await db.user.findUnique({ where: { email } });
    if (!user) return c.redirect(`/login?error=no-account&email=${encodeURIComponent(email)}`);
    await startSession(c, user.id);
    return c.redirect("/");
  });

  app.post("/logout", async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await endUserSession(db, token);
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.json({ ok: true });
  });

  // Invites work with or without a session (a new teammate has no account yet).
  app.get("/invites/:token", async (c) => {
    const invite = await findInvite(db, c.req.param("token"));
    const user = await userFromSession(db, getCookie(c, SESSION_COOKIE));
    return c.json({
      email: invite.email,
      organization: invite.organization.title,
      role: invite.role,
      loggedInAs: user?.email,
    });
  });

  app.post("/invites/:token/accept", async (c) => {
    const body = await parseBody(
      c,
      z.object({ password: z.string().optional(), name: z.string().max(100).optional() }),
    );
    const user = await userFromSession(db, getCookie(c, SESSION_COOKIE));
    const userId = await acceptInvite(db, c.req.param("token"), {
      userId: user?.id,
      password: body.password,
      name: body.name,
    });
    if (!user) await startSession(c, userId);
    return c.json({ ok: true });
  });

  // Everything below needs a session; state-changing calls must be JSON (a cross-site form cannot send that).
  app.use("*", async (c: Context<UiEnv>, next: Next) => {
    const user = await userFromSession(db, getCookie(c, SESSION_COOKIE));
    if (!user) throw new ApiError(401, "Log in first");
    if (c.req.method !== "GET" && !(c.req.header("content-type") ?? "").includes("application/json")) {
      throw new ApiError(415, "Send JSON (Content-Type: application/json)");
    }
    c.set("user", user);
    await next();
  });

  /** For the banner every page shows while Temporal is unreachable. */
  app.get("/engine-status", (c) => c.json({ temporal: services.engineHealth.describe() }));

  app.get("/me", async (c) =>
    c.json({
      user: c.get("user"),
      organizations: await overviewForUser(db, c.get("user").id),
      temporalUiUrl: options.temporalUiUrl,
    }),
  );

  const envOf = (c: Context<UiEnv>) => environmentForUser(db, c.get("user").id, c.req.param("envId")!);
  deploymentUiRoutes(app, services, envOf);
  schedulingUiRoutes(app, services, envOf);

  app.get("/environments/:envId/runs", async (c) =>
    c.json(await listRunsForDashboard(services, await envOf(c), c.req.query())),
  );

  app.get("/environments/:envId/runs/:runId", async (c) => {
    const env = await envOf(c);
    const engine = services.engines.for(env);
    const run = await ownedRun(engine, env, runIdParam(c.req.param("runId")), db);
    const state = await engine.runState(run.id).catch(() => undefined);
    const temporalUrl = options.temporalUiUrl
      ? `${options.temporalUiUrl}/namespaces/${options.temporalNamespace}/workflows/${run.id}`
      : undefined;
    const streams = await streamsOfRun(db, run.id, STREAM_CHUNKS_SHOWN);
    const stored = async (value: unknown) => {
      const url = await services.packets.downloadUrl(env.id, value);
      return url && { url, size: isPacketRef(value) ? value.$stintPacket.size : undefined };
    };
    const [payload, output] = await Promise.all([stored(run.payload), stored(run.output)]);
    return c.json({
      run,
      attempts: (state?.attempts ?? []).map((attempt) => attemptView(attempt, run.status)),
      waitpoints: (state?.journal ?? []).map(waitpointView),
      streams,
      temporalUrl,
      stored: { payload, output },
    });
  });

  app.get("/environments/:envId/runs/:runId/logs", async (c) => {
    const env = await envOf(c);
    const levels = logLevelsOfQuery(c.req.query());
    return c.json({ logs: await services.events.listForRun(env.id, runIdParam(c.req.param("runId")), { levels }) });
  });

  app.post("/environments/:envId/runs/:runId/:action{cancel|replay|reschedule}", async (c) => {
    const env = await envOf(c);
    const engine = services.engines.for(env);
    const run = await ownedRun(engine, env, runIdParam(c.req.param("runId")), db);
    const action = c.req.param("action");
    if (action === "cancel") return c.json(await engine.cancelRun(run.id));
    if (action === "replay") return c.json(await engine.replayRun(run.id));
    const body = await parseBody(c, z.object({ delay: z.string().min(1, "delay: e.g. 10m or an ISO date") }));
    await engine.rescheduleRun(run.id, body.delay);
    return c.json({ id: run.id });
  });

  app.get("/environments/:envId/tasks", async (c) => {
    const env = await envOf(c);
    return c.json({ tasks: [...(await currentTasks(db, env)).keys()].sort() });
  });

  /**
   * Per current task: the queue its runs go to, its queued, running and waiting counts from the run index, and the
   * latest run. Tasks no longer registered are left out, whatever runs they left.
   */
  app.get("/environments/:envId/task-stats", async (c) => {
    const env = await envOf(c);
    const current = await currentTasks(db, env);
    const counts = await db.taskRun.groupBy({
      by: ["taskIdentifier", "status"],
      where: { environmentId: env.id, taskIdentifier: { in: [...current.keys()] } },
      _count: { _all: true },
      _max: { createdAt: true },
    });
    const stats = new Map(
      [...current].map(([task, { queue, served }]) => [
        task,
        { task, queue, queued: 0, running: 0, waiting: 0, total: 0, lastRunAt: undefined as Date | undefined, served },
      ]),
    );
    for (const row of counts) {
      const entry = stats.get(row.taskIdentifier);
      if (!entry) continue;
      const n = row._count._all;
      entry.total += n;
      if (["QUEUED", "DELAYED"].includes(row.status)) entry.queued += n;
      // A WAITING run holds no worker (its code is suspended or parked): counted apart, as Trigger.dev does.
      if (["EXECUTING", "DEQUEUED"].includes(row.status)) entry.running += n;
      if (row.status === "WAITING") entry.waiting += n;
      if (row._max.createdAt && (!entry.lastRunAt || row._max.createdAt > entry.lastRunAt))
        entry.lastRunAt = row._max.createdAt;
    }
    return c.json({ tasks: [...stats.values()].sort((a, b) => a.task.localeCompare(b.task)) });
  });

  app.get("/environments/:envId/schedules", async (c) => {
    const env = await envOf(c);
    return c.json(await services.schedules.list(env, 1, 100));
  });

  app.post("/environments/:envId/schedules/:id/:action{activate|deactivate}", async (c) => {
    const env = await envOf(c);
    return c.json(await services.schedules.setActive(env, c.req.param("id"), c.req.param("action") === "activate"));
  });

  app.get("/environments/:envId/queues", async (c) => {
    const env = await envOf(c);
    return c.json(await services.queues.list(env, 1, 100));
  });

  app.post("/environments/:envId/queues/:queueId/:action{pause|resume}", async (c) => {
    const env = await envOf(c);
    return c.json(
      await services.queues.setPaused(
        env,
        { type: "id", value: c.req.param("queueId") },
        c.req.param("action") === "pause",
      ),
    );
  });

  /** `concurrencyLimit: null` removes the override. */
  app.post("/environments/:envId/queues/:queueId/limit", async (c) => {
    const env = await envOf(c);
    const body = await parseBody(
      c,
      z.object({
        concurrencyLimit: z.number().int("concurrencyLimit must be a whole number").min(0).max(100_000).nullable(),
      }),
    );
    return c.json(
      await services.queues.overrideLimit(env, { type: "id", value: c.req.param("queueId") }, body.concurrencyLimit),
    );
  });

  app.post("/environments/:envId/tasks/:taskId/trigger", async (c) => {
    const env = await envOf(c);
    const body = await parseBody(c, z.object({ payload: z.unknown() }));
    const item: BatchItemWire = {
      task: taskIdParam(c.req.param("taskId")),
      payload: body.payload,
      options: { test: true },
    };
    const handle = await services.engines.for(env).trigger(item);
    return c.json({ id: handle.id });
  });

  /**
   * The environment's `stint dev` sessions, newest heartbeat first. Those gone for over an hour are only counted
   * unless `?disconnected=show`: every restart of `stint dev` leaves one behind.
   */
  app.get("/environments/:envId/workers", async (c) => {
    const env = await envOf(c);
    const query = parseValue(
      z.object({
        disconnected: z.enum(["show", "hide"], { message: "disconnected: show or hide" }).default("hide"),
      }),
      c.req.query(),
      "query",
    );
    const since = new Date(Date.now() - DISCONNECTED_SESSIONS_SHOWN_MS);
    const recent = { environmentId: env.id, OR: [{ lastHeartbeat: { gt: since } }, { endedAt: { gt: since } }] };
    // Spelled out rather than NOT recent: a session that never ended has no endedAt, and SQL's NOT of NULL is NULL.
    const gone = {
      environmentId: env.id,
      lastHeartbeat: { lte: since },
      OR: [{ endedAt: null }, { endedAt: { lte: since } }],
    };
    const [sessions, hidden, project, clashes] = await Promise.all([
      db.devSession.findMany({
        where: query.disconnected === "show" ? { environmentId: env.id } : recent,
        orderBy: { lastHeartbeat: "desc" },
        take: 50,
      }),
      query.disconnected === "show" ? 0 : db.devSession.count({ where: gone }),
      db.project.findUniqueOrThrow({ where: { id: env.projectId }, select: { name: true, ref: true } }),
      clashesInEnvironment(db, env.id),
    ]);
    return c.json({
      project,
      hiddenDisconnected: hidden,
      sessions: sessions.map((s) => ({
        id: s.id,
        label: s.label,
        tasks: s.tasks,
        lastHeartbeat: s.lastHeartbeat,
        temporalReachable: s.temporalReachable,
        createdAt: s.createdAt,
        endedAt: s.endedAt,
        live: clashes.has(s.id),
        clashes: clashes.get(s.id) ?? [],
      })),
    });
  });

  /** Worker groups and their servers (instance-wide): every logged-in user sees them; admins create and rotate. */
  app.get("/worker-groups", async (c) => c.json({ groups: await listWorkerGroups(db) }));

  app.post("/worker-groups", async (c) => {
    await requireInstanceAdmin(db, c.get("user").id);
    const body = await parseBody(c, z.object({ name: z.string({ message: "name is required" }) }));
    // The token is shown once, in this answer: only its hash is kept.
    return c.json(await createWorkerGroup(db, body.name));
  });

  app.post("/worker-groups/:groupId/rotate-token", async (c) => {
    await requireInstanceAdmin(db, c.get("user").id);
    return c.json(await rotateWorkerToken(db, c.req.param("groupId")));
  });

  app.get("/organizations/:orgId/members", async (c) => {
    const org = await organizationForUser(db, c.get("user").id, c.req.param("orgId"));
    const [members, invites] = await Promise.all([
      db.orgMember.findMany({
        where: { organizationId: org.id },
        include: { user: true },
        orderBy: { createdAt: "asc" },
      }),
      db.orgInvite.findMany({
        where: { organizationId: org.id, acceptedAt: null, expiresAt: { gt: new Date() } },
        orderBy: { createdAt: "desc" },
      }),
    ]);
    return c.json({
      role: org.role,
      members: members.map((m) => ({ id: m.id, email: m.user.email, name: m.user.name, role: m.role })),
      invites: invites.map((i) => ({ id: i.id, email: i.email, role: i.role, expiresAt: i.expiresAt })),
    });
  });

  app.post("/organizations/:orgId/invites", async (c) => {
    const org = await organizationForUser(db, c.get("user").id, c.req.param("orgId"));
    requireAdmin(org);
    const body = await parseBody(
      c,
      z.object({ email: emailAddressSchema, role: z.enum(["ADMIN", "MEMBER"]).default("MEMBER") }),
    );
    const token = await createInvite(db, org.id, body.email, body.role);
    const inviteUrl = `${new URL(c.req.url).origin}/invite/${token}`;
    // No mail server: the link is shown to the admin once and written to the server log.
    options.log(`[invite] ${body.email} to ${org.title}: ${inviteUrl}`);
    return c.json({ inviteUrl });
  });

  app.post("/organizations/:orgId/members/:memberId/remove", async (c) => {
    const org = await organizationForUser(db, c.get("user").id, c.req.param("orgId"));
    requireAdmin(org);
    const member = await db.orgMember.findFirst({ where: { id: c.req.param("memberId"), organizationId: org.id } });
    if (!member) throw notFound(`Member ${c.req.param("memberId")}`);
    if (member.userId === c.get("user").id) throw new ApiError(400, "You cannot remove yourself; ask another admin");
    await db.orgMember.delete({ where: { id: member.id } });
    return c.json({ ok: true });
  });

  /** Personal access tokens (`tr_pat_…`) for the CLI: listed by hint, shown once when created. */
  app.get("/access-tokens", async (c) => c.json({ tokens: await listAccessTokens(db, c.get("user").id) }));

  app.post("/access-tokens", async (c) => {
    const body = await parseBody(
      c,
      z.object({ name: z.string().trim().min(1, "name: say what the token is for, e.g. my laptop").max(100) }),
    );
    return c.json(await createAccessToken(db, c.get("user").id, body.name));
  });

  app.post("/access-tokens/:tokenId/revoke", async (c) => {
    if (!(await revokeAccessToken(db, c.get("user").id, c.req.param("tokenId"))))
      throw notFound(`Access token ${c.req.param("tokenId")}`);
    return c.json({ ok: true });
  });

  app.post("/environments/:envId/keys/rotate", async (c) => {
    const env = await envOf(c);
    requireAdmin(env);
    const secretKey = await rotateSecretKey(db, env.id, services.secretBox);
    services.auth.forget();
    const { secretKeyRotatedAt } = await db.runtimeEnvironment.findUniqueOrThrow({
      where: { id: env.id },
      select: { secretKeyRotatedAt: true },
    });
    return c.json({ secretKey, rotatedAt: secretKeyRotatedAt });
  });

  /**
   * The environment's secret key, for its project's members, as Trigger.dev's API keys page shows it (and as the
   * CLI gets it with a personal access token). A POST: the key is never in a URL, a cache or a log.
   */
  app.post("/environments/:envId/keys/reveal", async (c) => {
    const env = await envOf(c);
    const row = await db.runtimeEnvironment.findUniqueOrThrow({
      where: { id: env.id },
      select: { secretKeySealed: true },
    });
    const secretKey = revealSecretKey(row.secretKeySealed, services.secretBox);
    if (!secretKey)
      throw new ApiError(
        409,
        `The ${env.slug} secret key is stored only as a hash (it was created before keys were kept sealed and has not been used since), so it cannot be shown: rotate it to get a new key you can reveal`,
      );
    return c.json({ secretKey });
  });

  return app;
}
