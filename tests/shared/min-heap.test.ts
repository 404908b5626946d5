import { describe, expect, it } from "vitest";
import { createMinHeap } from "../../src/shared/min-heap.js";

describe("createMinHeap", () => {
  it("pops entries in key order, whatever order they were pushed in", () => {
    const heap = createMinHeap<string>();
    let seed = 7;
    const keys = Array.from({ length: 500 }, () => (seed = (seed * 48_271) % 2_147_483_647) % 1_000);
    for (const key of keys) heap.push(key, `v${key}`);
    expect(heap.size).toBe(500);
    const popped: number[] = [];
    for (let top = heap.pop(); top !== undefined; top = heap.pop()) {
      expect(top.value).toBe(`v${top.key}`);
      popped.push(top.key);
    }
    expect(popped).toEqual([...keys].sort((a, b) => a - b));
    expect(heap.size).toBe(0);
  });

  it("peeks at the smallest without removing it, and clears", () => {
    const heap = createMinHeap<number>();
    expect(heap.peek()).toBeUndefined();
    heap.push(5, 50);
    heap.push(2, 20);
    heap.push(9, 90);
    expect(heap.peek()).toEqual({ key: 2, value: 20 });
    expect(heap.size).toBe(3);
    heap.clear();
    expect(heap.pop()).toBeUndefined();
  });
});
