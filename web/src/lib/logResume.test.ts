import { describe, expect, it } from "vitest";
import { feedResume, resumedWithGap, startResume } from "./logResume";

const feedAll = (held: string[], replay: string[]) => {
  const r = startResume(held);
  return { fresh: replay.filter((l) => feedResume(r, l)), gap: resumedWithGap(r) };
};

describe("resuming a followed log", () => {
  it("skips the replayed lines already shown and keeps the ones written meanwhile", () => {
    const held = ["a", "b", "c", "d"];
    expect(feedAll(held, ["c", "d", "e", "f"])).toEqual({ fresh: ["e", "f"], gap: false });
  });
  it("shows nothing new when nothing was written meanwhile", () => {
    expect(feedAll(["a", "b", "c"], ["b", "c"])).toEqual({ fresh: [], gap: false });
  });
  it("says when the replay does not reach back to what was shown", () => {
    expect(feedAll(["a", "b"], ["x", "y"])).toEqual({ fresh: ["x", "y"], gap: true });
  });
  it("starts from nothing shown", () => {
    expect(feedAll([], ["a", "b"])).toEqual({ fresh: ["a", "b"], gap: false });
  });
  it("aligns on the longest overlap with repeated lines", () => {
    expect(feedAll(["x", "y", "x", "y"], ["x", "y", "z"]).fresh).toEqual(["z"]);
  });
});
