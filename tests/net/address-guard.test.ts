import { describe, expect, it } from "vitest";
import { createAddressGuard, isCidr } from "../../src/net/address-guard.js";

describe("address guard", () => {
  it("answers a connect-time lookup only with checked addresses", async () => {
    const guard = createAddressGuard({
      allowPrivate: false,
      resolve: async () => [{ address: "10.1.2.3", family: 4 }],
    });
    const error = await new Promise<Error | null>((resolve) =>
      guard.lookup("intranet.test", { all: true }, (err) => resolve(err)),
    );
    expect(error?.message).toMatch(/non-public address 10\.1\.2\.3/);
  });

  it("lets an allow-listed network through the lookup", async () => {
    const guard = createAddressGuard({
      allowPrivate: false,
      allowedNetworks: ["10.0.0.0/8"],
      resolve: async () => [{ address: "10.1.2.3", family: 4 }],
    });
    const found = await new Promise<unknown>((resolve) =>
      guard.lookup("intranet.test", {}, (_err, address) => resolve(address)),
    );
    expect(found).toBe("10.1.2.3");
  });

  it("accepts only well-formed CIDR blocks", () => {
    expect(isCidr("10.0.0.0/8")).toBe(true);
    expect(isCidr("fd00::/8")).toBe(true);
    expect(isCidr("10.0.0.0/")).toBe(false);
    expect(isCidr("10.0.0.0/33")).toBe(false);
    expect(isCidr("intranet/8")).toBe(false);
  });
});
