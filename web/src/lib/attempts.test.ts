import { describe, expect, it } from "vitest";
import { attemptOptions, logsSelection } from "./attempts";

describe("logsSelection", () => {
  it("follows the current attempt while the job runs", () => {
    expect(logsSelection(null, 2, false)).toEqual({ attempt: null, stored: false });
    expect(logsSelection(2, 2, false)).toEqual({ attempt: null, stored: false });
  });
  it("reads an earlier attempt's archive, even while the job runs", () => {
    expect(logsSelection(1, 2, false)).toEqual({ attempt: 1, stored: true });
    expect(logsSelection(2, 3, true)).toEqual({ attempt: 2, stored: true });
  });
  it("reads the current attempt's stored logs once the job ended", () => {
    expect(logsSelection(null, 3, true)).toEqual({ attempt: null, stored: true });
  });
  it("never asks for an attempt the job does not have", () => {
    expect(logsSelection(0, 2, false)).toEqual({ attempt: null, stored: false });
    expect(logsSelection(5, 2, false)).toEqual({ attempt: null, stored: false });
  });
});

describe("attemptOptions", () => {
  it("lists every attempt, the last as current", () => {
    expect(attemptOptions(3)).toEqual([
      { value: 1, label: "1" },
      { value: 2, label: "2" },
      { value: 3, label: "3 (current)" },
    ]);
    expect(attemptOptions(1)).toEqual([{ value: 1, label: "1 (current)" }]);
  });
});
