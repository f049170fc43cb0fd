import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, formatTime, isTerminal, jobDuration, percentOf } from "./format";

describe("formatTime", () => {
  it("shows UTC for Z and +00:00 times alike", () => {
    expect(formatTime("2026-01-31T12:00:05.123456Z")).toBe("2026-01-31 12:00:05");
    expect(formatTime("2026-01-31T12:00:05+00:00")).toBe("2026-01-31 12:00:05");
    expect(formatTime("2026-01-31T14:00:05+02:00")).toBe("2026-01-31 12:00:05");
  });
  it("is empty without a time and keeps what it cannot parse", () => {
    expect(formatTime(null)).toBe("");
    expect(formatTime("soon")).toBe("soon");
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [59.9, "59s"],
    [64, "1m 04s"],
    [3725, "1h 02m"],
  ])("%s s -> %s", (s, text) => expect(formatDuration(s)).toBe(text));
  it("is empty for unknown or negative", () => {
    expect(formatDuration(null)).toBe("");
    expect(formatDuration(-1)).toBe("");
  });
});

describe("jobDuration", () => {
  const start = "2026-01-31T12:00:00Z";
  it("runs from start to completion", () => {
    expect(jobDuration(start, "2026-01-31T12:01:30Z", 0)).toBe(90);
  });
  it("runs to now while the job runs, and is null before it started", () => {
    expect(jobDuration(start, null, Date.parse("2026-01-31T12:00:10Z"))).toBe(10);
    expect(jobDuration(null, null, 0)).toBeNull();
  });
});

describe("bytes and bars", () => {
  it("uses binary units", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(512 * 1024 ** 3)).toBe("512.0 GiB");
  });
  it("clamps shares and survives an empty cluster", () => {
    expect(percentOf(1, 4)).toBe(25);
    expect(percentOf(8, 4)).toBe(100);
    expect(percentOf(1, 0)).toBe(0);
  });
  it("knows the terminal phases", () => {
    expect(["SUCCEEDED", "FAILED", "STOPPED"].every(isTerminal)).toBe(true);
    expect(["PENDING", "RUNNING", "STOPPING", "DELETING"].some(isTerminal)).toBe(false);
  });
});
