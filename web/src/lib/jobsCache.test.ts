import { describe, expect, it } from "vitest";
import { adjustCounts, compareJobs, matchesFilter, mergeJobIntoPage, removeJobFromPage, type JobLike } from "./jobsCache";

function job(id: string, over: Partial<JobLike> = {}): JobLike {
  return {
    id,
    jobName: `job-${id}`,
    namespace: "default",
    algorithm: "xgboost",
    phase: "PENDING",
    priority: 0,
    createdAt: `2026-01-01T00:00:0${id}Z`,
    updatedAt: `2026-01-01T00:00:0${id}Z`,
    clusters: [],
    ...over,
  };
}
const newest = { field: "CREATED_AT", direction: "DESC" } as const;

describe("matchesFilter", () => {
  it("applies every condition", () => {
    const j = job("1", { phase: "RUNNING", clusters: ["member1"], jobName: "Train-Big" });
    expect(matchesFilter(j, {})).toBe(true);
    expect(matchesFilter(j, { phases: ["RUNNING"], clusters: ["member1", "member2"], nameContains: "big" })).toBe(true);
    expect(matchesFilter(j, { phases: ["PENDING"] })).toBe(false);
    expect(matchesFilter(j, { namespace: "team-a" })).toBe(false);
    expect(matchesFilter(j, { algorithms: ["pytorch"] })).toBe(false);
    expect(matchesFilter(j, { clusters: ["member2"] })).toBe(false);
  });
});

describe("compareJobs", () => {
  it("orders by the field, ties by id, in the direction", () => {
    const a = job("1", { priority: 5 });
    const b = job("2", { priority: 5 });
    expect(compareJobs(a, b, { field: "PRIORITY", direction: "ASC" })).toBeLessThan(0);
    expect(compareJobs(a, b, { field: "PRIORITY", direction: "DESC" })).toBeGreaterThan(0);
    expect(compareJobs(job("3"), job("1"), newest)).toBeLessThan(0);
  });
});

describe("mergeJobIntoPage", () => {
  const page = [job("3"), job("2")];
  it("updates a row in place", () => {
    const next = mergeJobIntoPage(page, job("2", { phase: "RUNNING" }), {}, newest, 10, true);
    expect(next.map((j) => j.phase)).toEqual(["PENDING", "RUNNING"]);
  });
  it("inserts a new job in order on the first page", () => {
    expect(mergeJobIntoPage(page, job("4"), {}, newest, 10, true).map((j) => j.id)).toEqual(["4", "3", "2"]);
  });
  it("keeps the page size and leaves later pages alone for newer jobs", () => {
    expect(mergeJobIntoPage(page, job("4"), {}, newest, 2, true).map((j) => j.id)).toEqual(["4", "3"]);
    expect(mergeJobIntoPage(page, job("4"), {}, newest, 2, false)).toBe(page);
    expect(mergeJobIntoPage(page, job("1"), {}, newest, 2, true)).toBe(page);
  });
  it("drops a row that no longer matches and ignores a stranger that does not", () => {
    expect(mergeJobIntoPage(page, job("2", { phase: "RUNNING" }), { phases: ["PENDING"] }, newest, 10, true).map((j) => j.id)).toEqual(["3"]);
    expect(mergeJobIntoPage(page, job("4", { phase: "RUNNING" }), { phases: ["PENDING"] }, newest, 10, true)).toBe(page);
  });
  it("removes deleted jobs", () => {
    expect(removeJobFromPage(page, "3").map((j) => j.id)).toEqual(["2"]);
    expect(removeJobFromPage(page, "9")).toBe(page);
  });
});

describe("adjustCounts", () => {
  it("moves one job between phases", () => {
    expect(adjustCounts({ PENDING: 1 }, "PENDING", "RUNNING")).toEqual({ PENDING: 0, RUNNING: 1 });
    expect(adjustCounts({}, null, "PENDING")).toEqual({ PENDING: 1 });
    expect(adjustCounts({ FAILED: 1 }, "FAILED", null)).toEqual({ FAILED: 0 });
    const same = { RUNNING: 2 };
    expect(adjustCounts(same, "RUNNING", "RUNNING")).toBe(same);
    expect(adjustCounts({}, "RUNNING", null)).toEqual({ RUNNING: 0 });
  });
});
