import { useApolloClient, useMutation, useQuery, useSubscription } from "@apollo/client";
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useConnection } from "../connection";
import type { JobEventFieldsFragment } from "../gql/graphql";
import { attemptOptions, logsSelection } from "../lib/attempts";
import { describeError, fieldOfGraphQLError, graphQLErrorsOf } from "../lib/errors";
import { formatDuration, formatTime, isTerminal, jobDuration } from "../lib/format";
import { feedResume, resumedWithGap, startResume, type PodResume } from "../lib/logResume";
import { mergeEvents } from "../lib/timeline";
import {
  DELETE_JOB,
  JOB_BY_ID,
  JOB_EVENTS_AFTER,
  JOB_LOGS,
  JOB_LOG_STREAM,
  JOB_STATUS,
  RETRY_JOB,
  STOP_JOB,
} from "../operations";
import { canWriteIn } from "../session";
import { useSession } from "../sessionContext";
import { useNow } from "../useNow";

export function JobPage() {
  const { id = "" } = useParams();
  const [awaitArchive, setAwaitArchive] = useState(false);
  // Once it ended, until its logs are archived: read the job now and then (the archive is no
  // transition, so no stream tells).
  const { data, loading, error, refetch } = useQuery(JOB_BY_ID, {
    variables: { id },
    pollInterval: awaitArchive ? 2000 : 0,
  });
  const job = data?.job;
  const archivePending = !!job && isTerminal(job.phase) && !job.logsArchivedAt && !job.workloadDeletedAt;
  useEffect(() => setAwaitArchive(archivePending), [archivePending]);
  const session = useSession();
  const now = useNow(1000);
  const timeline = useLiveTimeline(id, job?.events, job ? isTerminal(job.phase) : true, () => void refetch());

  if (loading && !job) return <p>Loading…</p>;
  if (error) return <p className="error">{error.message}</p>;
  if (!job) {
    return (
      <p data-testid="not-found">
        There is no job {id} (it may have been deleted). <Link to="/jobs">All jobs</Link>
      </p>
    );
  }
  const writer = canWriteIn(session, job.namespace);
  return (
    <section className="job">
      <div className="title-row">
        <h1>{job.jobName}</h1>
        <span className={`phase phase-${job.phase} big`} data-testid="job-phase">
          {job.phase}
        </span>
        <span className="reason" data-testid="job-reason">
          {job.reason}
        </span>
      </div>
      <p className="message">{job.message}</p>
      {writer && <JobActions id={job.id} phase={job.phase} />}
      <div className="grid2">
        <dl className="facts">
          <dt>Namespace</dt>
          <dd>{job.namespace}</dd>
          <dt>Algorithm</dt>
          <dd>{job.algorithm}</dd>
          <dt>Kind</dt>
          <dd>{job.kind}</dd>
          <dt>Priority</dt>
          <dd>{job.priority}</dd>
          <dt>Placement</dt>
          <dd data-testid="placement">
            {job.clusters.length ? job.clusters.join(", ") : "not placed yet"}
            {job.targetClusters.length > 0 && <span className="muted"> (targets: {job.targetClusters.join(", ")})</span>}
          </dd>
          <dt>Pods</dt>
          <dd>
            {job.active} active · {job.succeeded} succeeded · {job.failed} failed
          </dd>
          <dt>Created</dt>
          <dd>
            {formatTime(job.createdAt)} by {job.createdBy ?? "?"}
          </dd>
          <dt>Duration</dt>
          <dd>{formatDuration(jobDuration(job.startTime, job.completionTime, now))}</dd>
          {job.stoppedBy && (
            <>
              <dt>Stopped by</dt>
              <dd>{job.stoppedBy}</dd>
            </>
          )}
        </dl>
        <div>
          <h2>Timeline</h2>
          <ol className="timeline" data-testid="timeline">
            {timeline.map((e) => (
              <li key={e.sequence} data-sequence={e.sequence} data-phase={e.toPhase}>
                <span className="when">{formatTime(e.at)}</span>{" "}
                <span className={`phase phase-${e.toPhase}`}>{e.toPhase}</span> <b>{e.reason}</b>
                {e.actor && <span className="actor"> by {e.actor}</span>}
                {e.cluster && <span className="muted"> on {e.cluster}</span>}
                <div className="muted">{e.message}</div>
              </li>
            ))}
          </ol>
        </div>
      </div>
      <Logs
        id={job.id}
        attempt={job.attempt}
        terminal={isTerminal(job.phase)}
        archivedAt={job.logsArchivedAt ?? null}
        workloadDeletedAt={job.workloadDeletedAt ?? null}
      />
      <details>
        <summary>Request</summary>
        <pre data-testid="request">{JSON.stringify(job.request, null, 2)}</pre>
      </details>
    </section>
  );
}

/**
 * The job's history (from the query) plus every transition since, live from `jobStatus`.
 * After a reconnection the stream starts again with `afterSequence` = the last one seen, so
 * nothing is missed; each update also reads the full events (who, why) after that sequence.
 */
function useLiveTimeline(
  id: string,
  loadedEvents: readonly JobEventFieldsFragment[] | undefined,
  terminal: boolean,
  onTerminal: () => void,
): readonly JobEventFieldsFragment[] {
  const [events, setEvents] = useState<readonly JobEventFieldsFragment[]>([]);
  const initial = useMemo(() => loadedEvents ?? [], [loadedEvents]);
  const merged = useMemo(() => mergeEvents(initial, events), [initial, events]);
  const last = merged.length ? (merged[merged.length - 1]?.sequence ?? 0) : 0;
  const lastRef = useRef(last);
  lastRef.current = last;
  const client = useApolloClient();
  const connection = useConnection();
  const [ended, setEnded] = useState(false);
  const loaded = loadedEvents !== undefined;

  useEffect(() => {
    if (!loaded || terminal || ended || connection.status !== "connected") return;
    const after = lastRef.current;
    const sub = client.subscribe({ query: JOB_STATUS, variables: { id, afterSequence: after } }).subscribe({
      next: ({ data }) => {
        const u = data?.jobStatus;
        if (!u) return;
        // u.job is merged into the cached Job by Apollo (normalised by id).
        if (u.sequence > lastRef.current) {
          // The full events (actor, cluster, fromPhase) after the last one we hold.
          void client
            .query({
              query: JOB_EVENTS_AFTER,
              variables: { id, afterSequence: lastRef.current },
              fetchPolicy: "network-only",
            })
            .then((r) => {
              if (r.data.jobEvents) setEvents((prev) => mergeEvents(prev, r.data.jobEvents ?? []));
            });
        }
        if (u.deleted || isTerminal(u.phase)) {
          setEnded(true);
          onTerminal();
        }
      },
      error: () => undefined,
    });
    return () => sub.unsubscribe();
    // Re-run on every (re)connection: resume after the last sequence seen.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, loaded, terminal, ended, connection.epoch, connection.status]);
  return merged;
}

function JobActions(props: { id: string; phase: string }) {
  const [confirm, setConfirm] = useState<"stop" | "retry" | "delete" | null>(null);
  const [overrides, setOverrides] = useState("{}");
  const [message, setMessage] = useState<string | null>(null);
  const navigate = useNavigate();
  const [stop, stopState] = useMutation(STOP_JOB);
  const [retry, retryState] = useMutation(RETRY_JOB);
  const [remove, removeState] = useMutation(DELETE_JOB);
  const busy = stopState.loading || retryState.loading || removeState.loading;
  const terminal = isTerminal(props.phase);

  const run = async () => {
    setMessage(null);
    try {
      if (confirm === "stop") {
        const r = await stop({ variables: { id: props.id } });
        const res = r.data?.stopJob;
        if (res && res.__typename !== "StopJobSuccess") setMessage(res.message);
      } else if (confirm === "retry") {
        let parsed: unknown;
        try {
          parsed = overrides.trim() ? JSON.parse(overrides) : null;
        } catch {
          setMessage("overrides: not valid JSON");
          return;
        }
        const r = await retry({ variables: { id: props.id, overrides: parsed } });
        const res = r.data?.retryJob;
        if (res?.__typename === "CreateJobSuccess") {
          void navigate(`/jobs/${res.job.id}`);
        } else if (res?.__typename === "InvalidInputError") {
          setMessage(`${res.field}: ${res.message}`);
          return;
        }
      } else if (confirm === "delete") {
        const r = await remove({ variables: { id: props.id } });
        const res = r.data?.deleteJob;
        if (res?.__typename === "DeleteJobSuccess") void navigate("/jobs");
      }
      setConfirm(null);
    } catch (error) {
      const first = graphQLErrorsOf(error)[0];
      const f = first ? fieldOfGraphQLError(first) : { field: "", message: describeError(error) };
      setMessage(f.field ? `${f.field}: ${f.message}` : f.message);
    }
  };

  return (
    <div className="actions">
      <button type="button" disabled={terminal || busy || props.phase === "STOPPING"} onClick={() => setConfirm("stop")}>
        Stop
      </button>
      <button type="button" disabled={busy} onClick={() => setConfirm("retry")}>
        Retry…
      </button>
      <button type="button" className="danger" disabled={busy} onClick={() => setConfirm("delete")}>
        Delete
      </button>
      {confirm && (
        <div className="confirm" role="dialog" aria-label={`Confirm ${confirm}`}>
          <p>
            {confirm === "stop" && "Stop this job? Its pods are removed; the record stays."}
            {confirm === "retry" && "Submit a new job from this job's request, with these overrides (JSON, merged object by object):"}
            {confirm === "delete" && "Delete this job and its workload? This cannot be undone."}
          </p>
          {confirm === "retry" && (
            <textarea aria-label="Overrides" rows={4} value={overrides} onChange={(e) => setOverrides(e.target.value)} />
          )}
          <button type="button" className={confirm === "delete" ? "danger" : ""} disabled={busy} onClick={() => void run()}>
            Confirm {confirm}
          </button>
          <button type="button" onClick={() => setConfirm(null)}>
            Cancel
          </button>
        </div>
      )}
      {message && (
        <p className="error" role="alert">
          {message}
        </p>
      )}
    </div>
  );
}

interface LogEntry {
  pod: string;
  line: string;
}

const MAX_LOG_LINES = 5000;

function Logs(props: {
  id: string;
  attempt: number;
  terminal: boolean;
  archivedAt: string | null;
  workloadDeletedAt: string | null;
}) {
  const [pod, setPod] = useState<string>("");
  // The attempt picked (null: the current one, followed live while it runs). An earlier
  // attempt's logs are the archive its recovery took (jobLogs(attempt)).
  const [picked, setPicked] = useState<number | null>(null);
  const { attempt: earlier, stored: showStored } = logsSelection(picked, props.attempt, props.terminal);
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const entriesRef = useRef<LogEntry[]>([]);
  entriesRef.current = entries;
  const [streamError, setStreamError] = useState<string | null>(null);
  const [podsSeen, setPodsSeen] = useState<string[]>([]);
  const stored = useQuery(JOB_LOGS, {
    variables: { id: props.id, pod: pod || null, attempt: earlier },
    skip: !showStored,
    fetchPolicy: "network-only",
  });
  const connection = useConnection();
  const dropped = connection.status === "reconnecting";
  // Per pod, while resuming after a drop: which replayed lines the view already shows.
  const resume = useRef<Map<string, PodResume> | null>(null);
  // A new pod: start the view afresh (the new stream starts with its tail).
  useEffect(() => {
    setEntries([]);
    resume.current = null;
  }, [pod, earlier]);
  // A dropped connection: keep what is shown. graphql-ws subscribes again on reconnection and
  // the stream replays each pod's tail; align it with the lines shown so that the lines
  // written meanwhile are appended and none is shown twice.
  useEffect(() => {
    if (!dropped) return;
    const held = new Map<string, string[]>();
    entriesRef.current.forEach((e) => {
      if (e.pod === "") return; // a marker line, not the pod's
      const lines = held.get(e.pod) ?? [];
      lines.push(e.line);
      held.set(e.pod, lines);
    });
    resume.current = new Map([...held].map(([p, lines]) => [p, startResume(lines)]));
  }, [dropped]);
  useSubscription(JOB_LOG_STREAM, {
    variables: { id: props.id, pod: pod || null },
    skip: showStored,
    onData: ({ data: { data } }) => {
      const item = data?.jobLogStream;
      if (!item) return;
      if (item.__typename === "LogStreamError") {
        setStreamError(item.message);
        return;
      }
      setPodsSeen((seen) => (seen.includes(item.pod) ? seen : [...seen, item.pod]));
      const added: LogEntry[] = [];
      const r = resume.current?.get(item.pod);
      if (r) {
        const first = r.fed === 0;
        if (!feedResume(r, item.line)) return;
        if (first && resumedWithGap(r)) {
          added.push({ pod: "", line: `… lines of ${item.pod} written while reconnecting may be missing` });
        }
      }
      added.push({ pod: item.pod, line: item.line });
      setEntries((prev) => {
        const next = [...prev, ...added];
        return next.length > MAX_LOG_LINES ? next.slice(-MAX_LOG_LINES) : next;
      });
    },
  });
  const lines = entries.map((e) => (pod || e.pod === "" ? e.line : `[${e.pod}] ${e.line}`));
  const logs = stored.data?.jobLogs;
  const pods = logs?.__typename === "JobLogs" ? logs.pods.map((p) => p.pod) : podsSeen;
  // Once archived (and once its pods are gone) the stored logs come from the archive.
  useEffect(() => {
    if (props.terminal && (props.archivedAt || props.workloadDeletedAt)) void stored.refetch();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.archivedAt, props.workloadDeletedAt]);
  let text: string;
  let source: string;
  if (showStored) {
    source =
      logs?.__typename === "JobLogs"
        ? earlier !== null
          ? `archived (attempt ${earlier})`
          : logs.source === "ARCHIVE"
            ? "archived"
            : "live (finished)"
        : "";
    text =
      logs?.__typename === "JobLogs"
        ? logs.pods.map((p) => (logs.pods.length > 1 && !pod ? `==> ${p.pod} <==\n${p.text}` : p.text)).join("\n")
        : logs
          ? logs.message
          : stored.loading
            ? "Loading…"
            : "";
  } else {
    source = "following";
    text = lines.join("\n");
  }
  return (
    <div className="logs">
      <h2>
        Logs <span className="muted" data-testid="log-source">{source}</span>
      </h2>
      {props.attempt > 1 && (
        <label>
          Attempt{" "}
          <select
            aria-label="Attempt"
            value={String(earlier ?? props.attempt)}
            onChange={(e) => {
              const n = Number(e.target.value);
              setPod(""); // each attempt has its own pods
              setPicked(n < props.attempt ? n : null);
            }}
          >
            {attemptOptions(props.attempt).map((o) => (
              <option key={o.value} value={String(o.value)}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      )}{" "}
      <label>
        Pod{" "}
        <select aria-label="Pod" value={pod} onChange={(e) => setPod(e.target.value)}>
          <option value="">all pods</option>
          {[...new Set([...pods, ...(pod ? [pod] : [])])].map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      {showStored && (
        <button type="button" onClick={() => void stored.refetch()}>
          Reload logs
        </button>
      )}
      {streamError && <p className="error">{streamError}</p>}
      <pre className="logtext" data-testid="logs">
        {text}
      </pre>
    </div>
  );
}
