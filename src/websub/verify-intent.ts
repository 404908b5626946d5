import { randomBytes } from "node:crypto";
import type { CallbackClient } from "./callback-request.js";
import type { HubRequest } from "./hub-request.js";

export type VerificationOutcome = { readonly verified: true } | { readonly verified: false; readonly reason: string };

/** Random, URL-safe and unguessable: only the real callback owner can echo it (WebSub §5.3). */
export function newChallenge(): string {
  return randomBytes(24).toString("base64url");
}

/**
 * Verification of intent (W3C WebSub §5.3): GET the callback with the mode, topic, a fresh
 * challenge and (for a subscription) the granted lease, appended to the callback's own query.
 * The subscriber confirms by answering 2xx with exactly the challenge as the body; anything
 * else (another status, another body, a network error, a refused address) is "not verified".
 */
export async function verifyIntent(
  request: HubRequest,
  send: CallbackClient,
  challenge: string = newChallenge(),
): Promise<VerificationOutcome> {
  const url = new URL(request.callback);
  url.searchParams.append("hub.mode", request.mode);
  url.searchParams.append("hub.topic", request.requestedTopic);
  url.searchParams.append("hub.challenge", challenge);
  if (request.mode === "subscribe") url.searchParams.append("hub.lease_seconds", String(request.leaseSeconds));
  try {
    const response = await send({ method: "GET", url });
    if (response.status < 200 || response.status > 299) {
      return { verified: false, reason: `callback answered ${response.status}` };
    }
    if (response.body.toString("utf8") !== challenge) {
      return { verified: false, reason: "callback did not echo the challenge" };
    }
    return { verified: true };
  } catch (error) {
    return { verified: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
