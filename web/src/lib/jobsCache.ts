// Pure helpers that keep the jobs table current from live updates, without a refetch
// (unit-tested in jobsCache.test.ts).

export interface JobLike {
  id: string;
  jobName: string;
  namespace: string;
  algorithm: string;
  phase: string;
  priority: number;
  createdAt: string;
  updatedAt: string;
  clusters: readonly string[];
}

export interface TableFilter {
  phases?: readonly string[] | null;
  algorithms?: readonly string[] | null;
  namespace?: string | null;
  clusters?: readonly string[] | null;
  nameContains?: string | null;
}

export type OrderField = "CREATED_AT" | "UPDATED_AT" | "NAME" | "PRIORITY" | "PHASE";
export interface TableOrder {
  field: OrderField;
  direction: "ASC" | "DESC";
}

/** Does the job pass every condition of the filter (the server's JobFilterInput semantics)? */
export function matchesFilter(job: JobLike, filter: TableFilter): boolean {
  if (filter.phases?.length && !filter.phases.includes(job.phase)) return false;
  if (filter.algorithms?.length && !filter.algorithms.includes(job.algorithm)) return false;
  if (filter.namespace && job.namespace !== filter.namespace) return false;
  if (filter.clusters?.length && !job.clusters.some((c) => filter.clusters?.includes(c))) {
    return false;
  }
  if (filter.nameContains && !job.jobName.toLowerCase().includes(filter.nameContains.toLowerCase())) {
    return false;
  }
  return true;
}

const PHASE_ORDER = ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "STOPPING", "STOPPED", "DELETING"];

function key(job: JobLike, field: OrderField): string | number {
  switch (field) {
    case "CREATED_AT":
      return Date.parse(job.createdAt);
    case "UPDATED_AT":
      return Date.parse(job.updatedAt);
    case "NAME":
      return job.jobName;
    case "PRIORITY":
      return job.priority;
    case "PHASE":
      return PHASE_ORDER.indexOf(job.phase);
  }
}

/** The table's order; ties broken by id in the same direction, as the server does. */
export function compareJobs(a: JobLike, b: JobLike, order: TableOrder): number {
  const ka = key(a, order.field);
  const kb = key(b, order.field);
  let c = ka < kb ? -1 : ka > kb ? 1 : 0;
  if (c === 0) c = a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return order.direction === "ASC" ? c : -c;
}

/**
 * The page's rows after `job` changed or appeared: updated in place, removed when it no longer
 * matches the filter, inserted in order when it is new and belongs before the page's last row
 * (or the page is not full). Returns the same array when nothing changed.
 */
export function mergeJobIntoPage<T extends JobLike>(
  rows: readonly T[],
  job: T,
  filter: TableFilter,
  order: TableOrder,
  pageSize: number,
  isFirstPage: boolean,
): readonly T[] {
  const at = rows.findIndex((r) => r.id === job.id);
  const matches = matchesFilter(job, filter);
  if (at >= 0) {
    if (!matches) return rows.filter((r) => r.id !== job.id);
    const next = rows.slice();
    next[at] = job;
    return next;
  }
  if (!matches) return rows;
  const last = rows[rows.length - 1];
  const fits = rows.length < pageSize || (last !== undefined && compareJobs(job, last, order) < 0);
  const before = rows.length === 0 || compareJobs(job, rows[0] as T, order) < 0;
  if (!fits || (before && !isFirstPage)) return rows;
  const next = [...rows, job].sort((a, b) => compareJobs(a, b, order));
  return next.length > pageSize ? next.slice(0, pageSize) : next;
}

/** Remove a deleted job from the page. */
export function removeJobFromPage<T extends JobLike>(rows: readonly T[], id: string): readonly T[] {
  return rows.some((r) => r.id === id) ? rows.filter((r) => r.id !== id) : rows;
}

export type PhaseCounts = Readonly<Record<string, number>>;

/** Counts per phase after a job moved from `from` (null: new job) to `to` (null: deleted). */
export function adjustCounts(counts: PhaseCounts, from: string | null, to: string | null): PhaseCounts {
  if (from === to) return counts;
  const next: Record<string, number> = { ...counts };
  if (from) next[from] = Math.max(0, (next[from] ?? 0) - 1);
  if (to) next[to] = (next[to] ?? 0) + 1;
  return next;
}
