// A followed log across a dropped connection. On resubscription `jobLogStream` replays each
// pod's tail (the last lines written), which overlaps what the console already shows and then
// goes on with the lines written while it was away. `PodResume` tells, line by line, which of
// the replayed lines are already shown (skip) and which are new (append), by aligning the
// replay against the shown lines of that pod.

export interface PodResume {
  /** The pod's lines shown when the connection dropped. */
  readonly held: readonly string[];
  /** Replayed lines fed so far. */
  fed: number;
  /** Positions in `held` where the replay may start (held.length: no overlap), ascending. */
  starts: number[];
}

export function startResume(held: readonly string[]): PodResume {
  return { held, fed: 0, starts: Array.from({ length: held.length + 1 }, (_, i) => i) };
}

/**
 * Feed the next replayed line; true when it is new (to be shown), false when it is a line the
 * console already shows. The longest overlap consistent with every line fed so far wins.
 */
export function feedResume(r: PodResume, line: string): boolean {
  const i = r.fed;
  r.fed += 1;
  r.starts = r.starts.filter((p) => p + i >= r.held.length || r.held[p + i] === line);
  const start = r.starts[0] ?? r.held.length;
  return start + i >= r.held.length;
}

/** True when the replay shares no line with what was shown (lines may be missing between). */
export function resumedWithGap(r: PodResume): boolean {
  return r.held.length > 0 && r.fed > 0 && (r.starts[0] ?? r.held.length) === r.held.length;
}
