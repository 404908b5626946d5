import type * as Crypto from "node:crypto";
import { timingSafeEqual } from "node:crypto";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAdminRoutes, type AdminDeps, type AdminReloadOutcome } from "../../src/http/admin.js";
import { HttpProblem } from "../../src/http/problem.js";
import { startTestServer, type TestServer } from "./test-server.js";

// Wrapped, not replaced: the spy shows the token check goes through the constant-time compare.
vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof Crypto>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const TOKEN = "s3cr3t-admin-token-0123456789abcdef";

describe("admin routes", () => {
  let server: TestServer | undefined;
  let refreshed: string[];
  let purged: string[];
  let reloadOutcome: AdminReloadOutcome;
  let logLines: string[];

  function deps(token: string | undefined, overrides: Partial<AdminDeps> = {}): AdminDeps {
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString("utf8"));
        done();
      },
    });
    return {
      token,
      refreshSource: (id) => {
        if (id !== "walaw-world" && id !== "walaw-economy") return undefined;
        refreshed.push(id);
        // Never settles: the route must answer without waiting for the collect.
        return new Promise<never>(() => undefined);
      },
      purgeSource: async (id) => {
        if (id === "walaw-world") throw new HttpProblem(409, "Source still configured", "remove it first");
        purged.push(id);
        return { removed: 3 };
      },
      reload: async () => reloadOutcome,
      logger: pino({ level: "info" }, logStream),
      ...overrides,
    };
  }

  async function start(adminDeps: AdminDeps): Promise<TestServer> {
    server = await startTestServer({ admin: createAdminRoutes(adminDeps) });
    return server;
  }

  const call = (path: string, init: RequestInit = {}): Promise<Response> => {
    if (!server) throw new Error("test: no server started");
    return fetch(server.origin + path, { method: "POST", ...init });
  };
  const bearer = (token: string): RequestInit => ({ headers: { Authorization: `Bearer ${token}` } });

  beforeEach(() => {
    refreshed = [];
    purged = [];
    logLines = [];
    reloadOutcome = { ok: true, problems: [] };
    vi.mocked(timingSafeEqual).mockClear();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  describe.each([
    ["unset", undefined],
    ["empty", ""],
  ])("with ADMIN_TOKEN %s", (_label, token) => {
    it("answers every admin path exactly as an unknown path, and does nothing", async () => {
      await start(deps(token));
      const unknown = await call("/not-admin");
      const unknownBody = (await unknown.json()) as Record<string, unknown>;
      for (const path of ["/admin/reload", "/admin/sources/walaw-world/refresh", "/admin", "/admin/anything"]) {
        for (const init of [{}, bearer(TOKEN), bearer("")]) {
          const response = await call(path, init);
          expect(response.status, path).toBe(404);
          expect(response.headers.get("www-authenticate"), path).toBeNull();
          expect(await response.json(), path).toEqual({
            ...unknownBody,
            detail: `Nothing is served at ${path}.`,
            instance: path,
          });
        }
      }
      expect(refreshed).toEqual([]);
    });
  });

  describe("with a token", () => {
    beforeEach(async () => {
      await start(deps(TOKEN));
    });

    it.each(["token", "access_token", "admin_token", "Token"])(
      "refuses the token sent by mistake as ?%s= and keeps it out of the log (issue 9 point 11)",
      async (parameter) => {
        const response = await call(`/admin/reload?${parameter}=${TOKEN}&dry=1`);
        expect(response.status).toBe(401);
        const log = logLines.join("");
        expect(log).toContain("admin: request refused");
        expect(log).toContain(`/admin/reload?${parameter}=***&dry=1`);
        expect(log).not.toContain(TOKEN);
      },
    );

    it.each([
      ["no Authorization header", {}, 'Bearer realm="admin"'],
      [
        "another scheme",
        { headers: { Authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString("base64")}` } },
        'Bearer realm="admin"',
      ],
      ["an empty bearer token", { headers: { Authorization: "Bearer " } }, 'Bearer realm="admin"'],
      [
        "a wrong token of the same length",
        bearer(TOKEN.replace(/.$/, "X")),
        'Bearer realm="admin", error="invalid_token"',
      ],
      ["a shorter token", bearer(TOKEN.slice(0, 8)), 'Bearer realm="admin", error="invalid_token"'],
      ["a longer token", bearer(`${TOKEN}-and-more`), 'Bearer realm="admin", error="invalid_token"'],
      ["the token in another case", bearer(TOKEN.toUpperCase()), 'Bearer realm="admin", error="invalid_token"'],
    ])("refuses %s with 401 and a Bearer challenge", async (_label, init, challenge) => {
      for (const path of ["/admin/reload", "/admin/sources/walaw-world/refresh", "/admin/unknown"]) {
        const response = await call(path, init);
        expect(response.status, path).toBe(401);
        expect(response.headers.get("www-authenticate"), path).toBe(challenge);
        expect(response.headers.get("content-type"), path).toBe("application/problem+json; charset=utf-8");
        expect(await response.json(), path).toMatchObject({ status: 401, title: "Unauthorized", instance: path });
      }
      expect(refreshed).toEqual([]);
    });

    it("compares tokens in constant time over equal-length SHA-256 digests", async () => {
      for (const presented of [TOKEN.slice(0, 3), `${TOKEN}x`, TOKEN]) {
        vi.mocked(timingSafeEqual).mockClear();
        await call("/admin/sources/walaw-world/refresh", bearer(presented));
        expect(vi.mocked(timingSafeEqual)).toHaveBeenCalledTimes(1);
        const [a, b] = vi.mocked(timingSafeEqual).mock.calls[0] ?? [];
        expect([a?.byteLength, b?.byteLength]).toEqual([32, 32]);
      }
    });

    it("accepts a refresh with 202 at once, starting that source's collect", async () => {
      const response = await call("/admin/sources/walaw-world/refresh", {
        headers: { authorization: `bearer ${TOKEN}` },
      });
      expect(response.status).toBe(202);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.json()).toEqual({ accepted: true, source: "walaw-world" });
      expect(refreshed).toEqual(["walaw-world"]);
      expect(
        logLines.some((line) => line.includes('"source":"walaw-world"') && line.includes("admin: refresh requested")),
      ).toBe(true);
    });

    it("answers 404 naming an unknown source", async () => {
      const response = await call("/admin/sources/no-such-source/refresh", bearer(TOKEN));
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        status: 404,
        title: "Unknown source",
        detail: 'No source has the id "no-such-source".',
        source: "no-such-source",
      });
      expect(refreshed).toEqual([]);
    });

    it("answers 404 for an admin path that does not exist", async () => {
      const response = await call("/admin/sources/walaw-world", bearer(TOKEN));
      expect(response.status).toBe(404);
    });

    it("answers other methods with 405 and Allow: POST", async () => {
      for (const [method, path] of [
        ["GET", "/admin/reload"],
        ["PUT", "/admin/reload"],
        ["GET", "/admin/sources/walaw-world/refresh"],
        ["DELETE", "/admin/sources/walaw-world/refresh"],
      ] as const) {
        const response = await call(path, { ...bearer(TOKEN), method });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get("allow")).toBe("POST");
      }
      expect(refreshed).toEqual([]);
    });

    it("answers 200 with the warnings of an applied reload", async () => {
      reloadOutcome = { ok: true, problems: ["config/sources.yaml:7: source walaw-old is disabled"] };
      const response = await call("/admin/reload", bearer(TOKEN));
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.json()).toEqual({
        ok: true,
        problems: ["config/sources.yaml:7: source walaw-old is disabled"],
      });
    });

    it("answers 422 with the problems of a rejected reload", async () => {
      reloadOutcome = {
        ok: false,
        problems: ["config/sources.yaml:5:12: sources[0].every: expected a duration like 30s, 10m, 1h or 1d"],
      };
      const response = await call("/admin/reload", bearer(TOKEN));
      expect(response.status).toBe(422);
      expect(response.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
      expect(await response.json()).toMatchObject({
        status: 422,
        title: "Config rejected",
        problems: ["config/sources.yaml:5:12: sources[0].every: expected a duration like 30s, 10m, 1h or 1d"],
      });
    });
  });

  it("logs a refresh whose run rejects instead of leaving the rejection unhandled", async () => {
    await start(
      deps(TOKEN, {
        refreshSource: () => Promise.reject(new Error("worker: stopped")),
      }),
    );
    const response = await call("/admin/sources/walaw-world/refresh", bearer(TOKEN));
    expect(response.status).toBe(202);
    await vi.waitFor(() =>
      expect(logLines.some((line) => line.includes("admin: refresh failed") && line.includes("worker: stopped"))).toBe(
        true,
      ),
    );
  });

  it("answers the problem refreshSource refuses with, such as 503 off the worker leader", async () => {
    await start(
      deps(TOKEN, {
        refreshSource: () => {
          throw new HttpProblem(503, "Not the worker", "This instance does not run the worker.");
        },
      }),
    );
    const response = await call("/admin/sources/walaw-world/refresh", bearer(TOKEN));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: 503,
      title: "Not the worker",
      instance: "/admin/sources/walaw-world/refresh",
    });
  });

  it("purges a removed source's items by POST, refuses a configured one with 409, and needs the token", async () => {
    await start(deps(TOKEN));
    const response = await call("/admin/sources/old-wire/purge", bearer(TOKEN));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ source: "old-wire", removed: 3 });
    expect(purged).toEqual(["old-wire"]);
    expect(logLines.join("")).toContain('"msg":"admin: source purged"');

    const refused = await call("/admin/sources/walaw-world/purge", bearer(TOKEN));
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ status: 409, title: "Source still configured" });
    expect((await call("/admin/sources/old-wire/purge")).status).toBe(401);
    expect((await call("/admin/sources/old-wire/purge", { ...bearer(TOKEN), method: "GET" })).status).toBe(405);
    expect(purged).toEqual(["old-wire"]);
  });

  it("answers 500 when the reload itself throws", async () => {
    await start(deps(TOKEN, { reload: () => Promise.reject(new Error("config: could not read config/")) }));
    const response = await call("/admin/reload", bearer(TOKEN));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ status: 500 });
  });
});
