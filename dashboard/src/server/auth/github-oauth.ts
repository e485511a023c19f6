/**
 * "Log in with GitHub" (OAuth web flow), on when GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET are set. GitHub vouches
 * for an email address; the address must belong to a Stint account (or a pending invite, accepted on the way in):
 * GitHub never creates accounts nobody invited.
 */
import { z } from "zod";

export interface GitHubOAuthConfig {
  clientId: string;
  clientSecret: string;
  /** Where the authorize and token endpoints live (default https://github.com; GitHub Enterprise differs). */
  oauthUrl?: string;
  /** REST API base (default https://api.github.com). */
  apiUrl?: string;
}

export function gitHubOAuthFromEnv(env: NodeJS.ProcessEnv = process.env): GitHubOAuthConfig | undefined {
  if (!env.GITHUB_CLIENT_ID || !env.GITHUB_CLIENT_SECRET) return undefined;
  return {
    clientId: env.GITHUB_CLIENT_ID,
    clientSecret: env.GITHUB_CLIENT_SECRET,
    oauthUrl: env.GITHUB_OAUTH_URL,
    apiUrl: env.GITHUB_API_URL,
  };
}

const oauthBase = (config: GitHubOAuthConfig) => (config.oauthUrl ?? "https://github.com").replace(/\/$/, "");
const apiBase = (config: GitHubOAuthConfig) => (config.apiUrl ?? "https://api.github.com").replace(/\/$/, "");

export function gitHubAuthorizeUrl(config: GitHubOAuthConfig, redirectUri: string, state: string): string {
  const url = new URL(`${oauthBase(config)}/login/oauth/authorize`);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: redirectUri,
    state,
    scope: "user:email",
    allow_signup: "false",
  }).toString();
  return url.toString();
}

const tokenResponse = z.union([
  z.object({ access_token: z.string().min(1) }),
  z.object({ error: z.string(), error_description: z.string().optional() }),
]);
const emailsResponse = z.array(z.object({ email: z.string().email(), primary: z.boolean(), verified: z.boolean() }));

/** Trades the callback's code for a token, then asks GitHub for the account's primary verified email. */
export async function gitHubVerifiedEmail(
  config: GitHubOAuthConfig,
  code: string,
  redirectUri: string,
): Promise<string> {
  const tokenReply = await fetch(`${oauthBase(config)}/login/oauth/access_token`, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify({
      client_id: config.clientId,
      client_secret: config.clientSecret,
      code,
      redirect_uri: redirectUri,
    }),
  });
  const token = tokenResponse.parse(await tokenReply.json());
  if ("error" in token) throw new Error(`GitHub refused the login: ${token.error_description ?? token.error}`);
  const emailsReply = await fetch(`${apiBase(config)}/user/emails`, {
    headers: {
      authorization: `Bearer ${token.access_token}`,
      accept: "application/vnd.github+json",
      "user-agent": "stint",
    },
  });
  if (!emailsReply.ok) throw new Error(`GitHub did not share the account's email addresses (${emailsReply.status})`);
  const primary = emailsResponse.parse(await emailsReply.json()).find((entry) => entry.primary && entry.verified);
  if (!primary) throw new Error("The GitHub account has no verified primary email address");
  return primary.email.toLowerCase();
}
