// Which logs the job page shows for the attempt picked (issue 19): the current attempt is
// followed live while the job runs and read stored once it ended; an earlier attempt is read
// from its archive (jobLogs(attempt)).

export interface LogsSelection {
  /** The attempt to ask jobLogs for; null: the current one (the server's default). */
  attempt: number | null;
  /** Read the stored logs (jobLogs) rather than follow them (jobLogStream). */
  stored: boolean;
}

export function logsSelection(picked: number | null, current: number, terminal: boolean): LogsSelection {
  const earlier = picked !== null && picked >= 1 && picked < current ? picked : null;
  return { attempt: earlier, stored: terminal || earlier !== null };
}

/** The picker's options, 1 .. current, the last marked current. */
export function attemptOptions(current: number): { value: number; label: string }[] {
  return Array.from({ length: Math.max(current, 1) }, (_, i) => i + 1).map((n) => ({
    value: n,
    label: n === current ? `${n} (current)` : String(n),
  }));
}
