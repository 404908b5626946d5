/** A serving process's side of the cluster (issue 12): what it tells the primary and what it does with what it hears. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { joinCluster, type MemberChannel } from "../../../src/app/cluster/member.js";
import type { MemberMessage } from "../../../src/app/cluster/messages.js";

function fakeChannel() {
  const sent: MemberMessage[] = [];
  const listeners: Array<(message: unknown) => void> = [];
  const gone: Array<() => void> = [];
  const channel: MemberChannel = {
    send: (message) => sent.push(message),
    onMessage: (listener) => listeners.push(listener),
    onDisconnect: (listener) => gone.push(listener),
  };
  return {
    channel,
    sent,
    hear: (message: unknown) => listeners.forEach((listener) => listener(message)),
    disconnect: () => gone.forEach((listener) => listener()),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("joinCluster", () => {
  it("announces its store changes and reports its memory at once and on every heartbeat", () => {
    vi.useFakeTimers();
    const fake = fakeChannel();
    let rss = 50;
    const member = joinCluster({
      role: "server",
      pid: 7,
      channel: fake.channel,
      rssBytes: () => rss,
      heartbeatMs: 5_000,
      metricsTimeoutMs: 1_000,
    });
    expect(fake.sent).toEqual([{ feedPublisher: "heartbeat", rssBytes: 50 }]);
    rss = 60;
    vi.advanceTimersByTime(5_000);
    member.announceChange();
    expect(fake.sent.slice(1)).toEqual([
      { feedPublisher: "heartbeat", rssBytes: 60 },
      { feedPublisher: "store-changed" },
    ]);
    member.leave();
    vi.advanceTimersByTime(60_000);
    expect(fake.sent).toHaveLength(3);
  });

  it("hands relayed changes, reloads, the roster and the primary's departure to its listeners", () => {
    const fake = fakeChannel();
    const member = joinCluster({
      role: "collector",
      pid: 7,
      channel: fake.channel,
      rssBytes: () => 1,
      heartbeatMs: 5_000,
      metricsTimeoutMs: 1_000,
    });
    const heard: string[] = [];
    member.onStoreChanged(() => heard.push("changed"));
    member.onReload((reason) => heard.push(`reload ${reason}`));
    member.onPrimaryGone(() => heard.push("gone"));
    fake.hear({ feedPublisher: "store-changed" });
    fake.hear({ feedPublisher: "reload", reason: "SIGHUP" });
    fake.hear({ feedPublisher: "roster", processes: [{ pid: 7, role: "collector", startedAt: 1, restarts: 0 }] });
    fake.hear({ type: "prom-client:getMetricsReq", requestId: 1 });
    fake.hear(null);
    fake.disconnect();
    expect(heard).toEqual(["changed", "reload SIGHUP", "gone"]);
    expect(member.roster()).toEqual([{ pid: 7, role: "collector", startedAt: 1, restarts: 0 }]);
    member.leave();
  });

  it("asks the primary for every process's metrics, and sends its own part when asked", async () => {
    const fake = fakeChannel();
    const member = joinCluster({
      role: "server",
      pid: 7,
      channel: fake.channel,
      rssBytes: () => 1,
      heartbeatMs: 5_000,
      metricsTimeoutMs: 1_000,
    });
    member.provideMetrics(async () => [{ name: "feeds_http_requests_total" }]);
    fake.hear({ feedPublisher: "metrics-collect", id: 3 });
    await vi.waitFor(() =>
      expect(fake.sent).toContainEqual({
        feedPublisher: "metrics-part",
        id: 3,
        metrics: [{ name: "feeds_http_requests_total" }],
      }),
    );
    const first = member.metrics();
    const second = member.metrics();
    const requests = fake.sent.filter((message) => message.feedPublisher === "metrics-request");
    expect(requests).toEqual([
      { feedPublisher: "metrics-request", id: 1 },
      { feedPublisher: "metrics-request", id: 2 },
    ]);
    fake.hear({ feedPublisher: "metrics", id: 2, error: "process 9 did not send its metrics within 3000 ms" });
    fake.hear({ feedPublisher: "metrics", id: 1, exposition: { contentType: "text/plain", body: "x 1\n" } });
    await expect(first).resolves.toEqual({ contentType: "text/plain", body: "x 1\n" });
    await expect(second).rejects.toThrow("cluster: process 9 did not send its metrics within 3000 ms");
    member.leave();
  });

  it("tells the primary why it has no metrics part instead of staying silent", async () => {
    const fake = fakeChannel();
    const member = joinCluster({
      role: "server",
      pid: 7,
      channel: fake.channel,
      rssBytes: () => 1,
      heartbeatMs: 5_000,
      metricsTimeoutMs: 1_000,
    });
    member.provideMetrics(() => Promise.reject(new Error("store: database is locked")));
    fake.hear({ feedPublisher: "metrics-collect", id: 9 });
    await vi.waitFor(() =>
      expect(fake.sent).toContainEqual({
        feedPublisher: "metrics-part",
        id: 9,
        metrics: [],
        error: "store: database is locked",
      }),
    );
    member.leave();
  });

  it("gives up on a metrics request the primary never answers", async () => {
    vi.useFakeTimers();
    const fake = fakeChannel();
    const member = joinCluster({
      role: "server",
      pid: 7,
      channel: fake.channel,
      rssBytes: () => 1,
      heartbeatMs: 5_000,
      metricsTimeoutMs: 1_000,
    });
    const answer = member.metrics();
    vi.advanceTimersByTime(1_000);
    await expect(answer).rejects.toThrow("the primary did not answer a metrics request in 1000 ms");
    member.leave();
  });
});
