// A job's timeline from several sources (the first query, live updates, re-reads after a
// reconnection): one entry per sequence, in order (unit-tested in timeline.test.ts).

export interface EventLike {
  sequence: number;
}

export function mergeEvents<T extends EventLike>(a: readonly T[], b: readonly T[]): readonly T[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const bySeq = new Map<number, T>();
  for (const e of a) bySeq.set(e.sequence, e);
  for (const e of b) bySeq.set(e.sequence, e);
  return [...bySeq.values()].sort((x, y) => x.sequence - y.sequence);
}

/** Sequences missing between the first and last held (a gap means a stream lost something). */
export function missingSequences(events: readonly EventLike[]): number[] {
  const missing: number[] = [];
  for (let i = 1; i < events.length; i += 1) {
    const prev = events[i - 1]?.sequence ?? 0;
    const cur = events[i]?.sequence ?? 0;
    for (let s = prev + 1; s < cur; s += 1) missing.push(s);
  }
  return missing;
}
