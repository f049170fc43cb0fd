import { describe, expect, it } from "vitest";
import { mergeEvents, missingSequences } from "./timeline";

describe("mergeEvents", () => {
  it("keeps one entry per sequence, in order, the later source winning", () => {
    const a = [{ sequence: 1, v: "a" }, { sequence: 2, v: "a" }];
    const b = [{ sequence: 3, v: "b" }, { sequence: 2, v: "b" }];
    expect(mergeEvents(a, b)).toEqual([{ sequence: 1, v: "a" }, { sequence: 2, v: "b" }, { sequence: 3, v: "b" }]);
    expect(mergeEvents(a, [])).toBe(a);
  });
  it("finds gaps", () => {
    expect(missingSequences([{ sequence: 1 }, { sequence: 4 }, { sequence: 5 }])).toEqual([2, 3]);
    expect(missingSequences([])).toEqual([]);
  });
});
