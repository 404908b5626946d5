/**
 * A binary min-heap of values ordered by a numeric key: push and pop in O(log n), the smallest in
 * O(1). Callers that need to change or drop an entry push a new one and skip the outdated one when
 * it surfaces (lazy deletion), so the heap has no find or remove.
 */
export interface MinHeap<T> {
  readonly size: number;
  push(key: number, value: T): void;
  /** The smallest entry, without removing it. */
  peek(): { readonly key: number; readonly value: T } | undefined;
  pop(): { readonly key: number; readonly value: T } | undefined;
  clear(): void;
}

export function createMinHeap<T>(): MinHeap<T> {
  const keys: number[] = [];
  const values: T[] = [];

  const swap = (a: number, b: number): void => {
    [keys[a], keys[b]] = [keys[b] as number, keys[a] as number];
    [values[a], values[b]] = [values[b] as T, values[a] as T];
  };

  const up = (index: number): void => {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if ((keys[parent] as number) <= (keys[child] as number)) return;
      swap(parent, child);
      child = parent;
    }
  };

  const down = (index: number): void => {
    let parent = index;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < keys.length && (keys[left] as number) < (keys[smallest] as number)) smallest = left;
      if (right < keys.length && (keys[right] as number) < (keys[smallest] as number)) smallest = right;
      if (smallest === parent) return;
      swap(parent, smallest);
      parent = smallest;
    }
  };

  return {
    get size() {
      return keys.length;
    },
    push(key, value) {
      keys.push(key);
      values.push(value);
      up(keys.length - 1);
    },
    peek() {
      return keys.length === 0 ? undefined : { key: keys[0] as number, value: values[0] as T };
    },
    pop() {
      if (keys.length === 0) return undefined;
      const top = { key: keys[0] as number, value: values[0] as T };
      const lastKey = keys.pop() as number;
      const lastValue = values.pop() as T;
      if (keys.length > 0) {
        keys[0] = lastKey;
        values[0] = lastValue;
        down(0);
      }
      return top;
    },
    clear() {
      keys.length = 0;
      values.length = 0;
    },
  };
}
