// Pure formatters for the tables and pages (unit-tested in format.test.ts).

/** "2026-12-02 14:03:07" in UTC, or "" for no time. Accepts `Z` and `+00:00` offsets. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t).toISOString().replace("T", " ").slice(0, 19);
}

/** A duration in seconds as "1h 02m", "3m 04s" or "5s"; "" when negative or unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return "";
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(r).padStart(2, "0")}s`;
  return `${r}s`;
}

/** How long a job ran: start to completion, or start to `now` while it runs. */
export function jobDuration(
  startTime: string | null | undefined,
  completionTime: string | null | undefined,
  now: number,
): number | null {
  if (!startTime) return null;
  const start = Date.parse(startTime);
  const end = completionTime ? Date.parse(completionTime) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  return Math.max(0, (end - start) / 1000);
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/** Bytes in binary units with one decimal: 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes)) return "";
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i += 1;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${BYTE_UNITS[i]}`;
}

/** A share in percent (0-100, clamped), for the cluster bars; 0 when nothing is allocatable. */
export function percentOf(used: number | null | undefined, total: number | null | undefined): number {
  if (!used || !total || total <= 0) return 0;
  return Math.min(100, Math.max(0, (used / total) * 100));
}

export const TERMINAL_PHASES = new Set(["SUCCEEDED", "FAILED", "STOPPED"]);

export function isTerminal(phase: string): boolean {
  return TERMINAL_PHASES.has(phase);
}
