/** configure() / auth: where the SDK sends API calls when it runs outside a Stint worker. */
export interface ApiClientConfiguration {
  baseURL?: string;
  accessToken?: string;
  secretKey?: string;
  previewBranch?: string;
  requestOptions?: Record<string, unknown>;
}

const KEY = Symbol.for("stint.sdk.apiConfig");

export function apiConfiguration(): ApiClientConfiguration {
  const holder = globalThis as unknown as Record<symbol, ApiClientConfiguration | undefined>;
  return {
    baseURL: process.env.TRIGGER_API_URL,
    accessToken: process.env.TRIGGER_SECRET_KEY ?? process.env.TRIGGER_ACCESS_TOKEN,
    ...holder[KEY],
  };
}

export function configure(options: ApiClientConfiguration): void {
  (globalThis as unknown as Record<symbol, ApiClientConfiguration>)[KEY] = { ...options };
}

export const auth = {
  configure,
  withAuth: async <T>(config: ApiClientConfiguration, fn: () => Promise<T>): Promise<T> => {
    const holder = globalThis as unknown as Record<symbol, ApiClientConfiguration | undefined>;
    const previous = holder[KEY];
    configure(config);
    try {
      return await fn();
    } finally {
      holder[KEY] = previous;
    }
  },
};
