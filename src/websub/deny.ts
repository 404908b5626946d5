import type { CallbackClient } from "./callback-request.js";
import type { HubRequest } from "./hub-request.js";

/**
 * Subscription denial (W3C WebSub §5.2): a request the hub accepted (202) but then refuses is
 * reported to the callback by GET with hub.mode=denied, the topic as sent and a reason, on the
 * callback's own query. The subscriber's answer does not matter, so this never throws: a notice
 * that could not be sent is reported through `failed` (the hub logs it) and nothing else changes.
 */
export async function notifyDenied(
  request: HubRequest,
  reason: string,
  send: CallbackClient,
  failed: (error: unknown) => void,
): Promise<void> {
  const url = new URL(request.callback);
  url.searchParams.append("hub.mode", "denied");
  url.searchParams.append("hub.topic", request.requestedTopic);
  url.searchParams.append("hub.reason", reason);
  await send({ method: "GET", url }).catch(failed);
}
