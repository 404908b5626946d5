import type { Logger } from "pino";

export interface PublishPingDeps {
  /** Hubs the operator named in config; trusted, unlike subscriber callbacks. */
  readonly hubs: readonly string[];
  readonly userAgent: string;
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly fetch?: typeof fetch;
}

/**
 * Tells external hubs that topics changed. WebSub leaves the publisher → hub notification
 * unspecified (§6); the form every public hub accepts is PubSubHubbub 0.4's
 * `hub.mode=publish&hub.url=<topic>`, one `hub.url` per changed topic. Failures are logged:
 * the hub will still see the change on its own next poll.
 */
export async function pingExternalHubs(topics: readonly string[], deps: PublishPingDeps): Promise<void> {
  if (topics.length === 0 || deps.hubs.length === 0) return;
  const send = deps.fetch ?? fetch;
  const body = new URLSearchParams([
    ["hub.mode", "publish"],
    ...topics.map((topic): [string, string] => ["hub.url", topic]),
  ]);
  await Promise.all(
    deps.hubs.map(async (hub) => {
      try {
        const response = await send(hub, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": deps.userAgent },
          body: body.toString(),
          redirect: "manual",
          signal: AbortSignal.timeout(deps.timeoutMs),
        });
        await response.body?.cancel();
        if (!response.ok)
          deps.logger.warn({ hub, status: response.status }, "websub: external hub refused the publish ping");
      } catch (error) {
        deps.logger.warn({ hub, err: error }, "websub: external hub publish ping failed");
      }
    }),
  );
}
