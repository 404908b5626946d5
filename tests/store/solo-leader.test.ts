import { describe, expect, it } from "vitest";
import { createSoloLeader } from "../../src/store/solo-leader.js";

describe("createSoloLeader", () => {
  it("leads from start until stop, reporting each change once", async () => {
    const leader = createSoloLeader();
    const changes: boolean[] = [];
    expect(leader.isLeader()).toBe(false);
    leader.start((isLeader) => changes.push(isLeader));
    expect(leader.isLeader()).toBe(true);
    leader.start((isLeader) => changes.push(isLeader));
    await leader.stop();
    await leader.stop();
    expect(leader.isLeader()).toBe(false);
    expect(changes).toEqual([true, false]);
  });
});
