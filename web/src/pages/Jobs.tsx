import { useApolloClient, useQuery, useSubscription } from "@apollo/client";
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useConnection } from "../connection";
import type { JobFilterInput, JobPhase, JobRowFragment } from "../gql/graphql";
import { formatDuration, formatTime, jobDuration } from "../lib/format";
import {
  adjustCounts,
  mergeJobIntoPage,
  removeJobFromPage,
  type OrderField,
  type PhaseCounts,
  type TableOrder,
} from "../lib/jobsCache";
import { JOBS_QUERY, JOB_UPDATES, PHASE_COUNTS_QUERY } from "../operations";
import { useSession } from "../sessionContext";
import { useNow } from "../useNow";

export const PHASES: JobPhase[] = ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "STOPPING", "STOPPED", "DELETING"];
const PAGE_SIZE = 25;

const COLUMNS: { label: string; order?: OrderField }[] = [
  { label: "Name", order: "NAME" },
  { label: "Namespace" },
  { label: "Algorithm" },
  { label: "Phase", order: "PHASE" },
  { label: "Reason" },
  { label: "Cluster" },
  { label: "Priority", order: "PRIORITY" },
  { label: "Created", order: "CREATED_AT" },
  { label: "Duration" },
];

function filterFrom(params: URLSearchParams): JobFilterInput {
  const list = (k: string) => (params.get(k) ? [params.get(k) as string] : null);
  return {
    phases: list("phase") as JobPhase[] | null,
    algorithms: list("algorithm"),
    namespace: params.get("namespace") || null,
    clusters: list("cluster"),
    nameContains: params.get("name") || null,
  };
}

export function JobsPage() {
  const [params, setParams] = useSearchParams();
  const session = useSession();
  const now = useNow(1000);
  const filter = useMemo(() => filterFrom(params), [params]);
  const order: TableOrder = {
    field: (params.get("sort") as OrderField | null) ?? "CREATED_AT",
    direction: params.get("dir") === "ASC" ? "ASC" : "DESC",
  };
  // Cursor paging: the cursors of the pages before this one.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const variables = { filter, first: PAGE_SIZE, after, orderBy: order };
  const { data, loading, error, refetch } = useQuery(JOBS_QUERY, { variables });
  const countVars = useMemo(
    () => Object.fromEntries(PHASES.map((p) => [p.toLowerCase(), { ...filter, phases: [p] }])),
    [filter],
  );
  const counts = useQuery(PHASE_COUNTS_QUERY, { variables: countVars });
  const [liveCounts, setLiveCounts] = useState<PhaseCounts | null>(null);
  const client = useApolloClient();
  // The last phase each job was seen in (from pages and updates), for the live counts: the
  // cache already holds the new phase when onData runs.
  const phaseSeen = useRef(new Map<string, string>());
  useEffect(() => {
    data?.jobs.nodes.forEach((j) => {
      if (!phaseSeen.current.has(j.id)) phaseSeen.current.set(j.id, j.phase);
    });
  }, [data]);
  const connection = useConnection();

  const serverCounts: PhaseCounts = useMemo(() => {
    const d = counts.data as Record<string, { totalCount: number }> | undefined;
    return Object.fromEntries(PHASES.map((p) => [p, d?.[p.toLowerCase()]?.totalCount ?? 0]));
  }, [counts.data]);
  useEffect(() => setLiveCounts(null), [serverCounts]);
  const shownCounts = liveCounts ?? serverCounts;

  // After a reconnection (a new epoch since this page was shown), transitions may have
  // happened while we were away and jobUpdates does not replay them: read the visible page and
  // the counts again, once, then go on live. The epoch the page opened in needs no re-read.
  const openedInEpoch = useRef(connection.epoch);
  useEffect(() => {
    if (connection.epoch > Math.max(1, openedInEpoch.current)) {
      openedInEpoch.current = connection.epoch;
      void refetch();
      void counts.refetch();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connection.epoch]);

  useSubscription(JOB_UPDATES, {
    variables: { filter: filter.namespace ? { namespace: filter.namespace } : null },
    onData: ({ data: { data: update } }) => {
      const u = update?.jobUpdates;
      if (!u) return;
      const id = client.cache.identify({ __typename: "Job", id: u.jobId });
      const previousPhase = phaseSeen.current.get(u.jobId) ?? null;
      phaseSeen.current.set(u.jobId, u.phase);
      const updatePage = (job: JobRowFragment | null) => {
        client.cache.updateQuery({ query: JOBS_QUERY, variables }, (page) => {
          if (!page) return page;
          const nodes = job
            ? mergeJobIntoPage(page.jobs.nodes, job, filter, order, PAGE_SIZE, after === null)
            : removeJobFromPage(page.jobs.nodes, u.jobId);
          if (nodes === page.jobs.nodes) return page;
          const delta = nodes.length - page.jobs.nodes.length;
          return { ...page, jobs: { ...page.jobs, nodes: [...nodes], totalCount: page.jobs.totalCount + delta } };
        });
      };
      if (u.deleted) {
        updatePage(null);
        setLiveCounts((c) => adjustCounts(c ?? serverCounts, previousPhase, null));
        client.cache.evict({ id });
        return;
      }
      // The update carries its Job: Apollo has already merged it into the cache by id; the
      // page only needs to know whether the row enters, stays or leaves.
      updatePage(u.job);
      if (previousPhase === null && u.sequence > 1) {
        // A job this console had not seen, already past its first transition: its old phase
        // is unknown, so ask the server for the counts (not the table).
        void counts.refetch();
      } else {
        setLiveCounts((c) => adjustCounts(c ?? serverCounts, previousPhase, u.phase));
      }
    },
  });

  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setCursors([null]);
    setParams(next, { replace: true });
  };
  const sortBy = (field: OrderField) => {
    const next = new URLSearchParams(params);
    const same = order.field === field;
    next.set("sort", field);
    next.set("dir", same && order.direction === "DESC" ? "ASC" : "DESC");
    setCursors([null]);
    setParams(next, { replace: true });
  };

  const jobs = data?.jobs;
  return (
    <section>
      <div className="title-row">
        <h1>Jobs</h1>
        {session.canWrite && (
          <Link className="button" to="/jobs/new" data-testid="new-job">
            New job
          </Link>
        )}
      </div>
      <div className="counts" data-testid="phase-counts">
        {PHASES.map((p) => (
          <button
            key={p}
            type="button"
            className={`count phase-${p} ${filter.phases?.includes(p) ? "selected" : ""}`}
            onClick={() => setParam("phase", filter.phases?.includes(p) ? "" : p)}
            data-phase={p}
          >
            {p} <b>{shownCounts[p] ?? 0}</b>
          </button>
        ))}
      </div>
      <div className="filters">
        <select aria-label="Phase" value={params.get("phase") ?? ""} onChange={(e) => setParam("phase", e.target.value)}>
          <option value="">any phase</option>
          {PHASES.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        <FilterInput label="Name" value={params.get("name") ?? ""} onChange={(v) => setParam("name", v)} />
        <FilterInput label="Algorithm" value={params.get("algorithm") ?? ""} onChange={(v) => setParam("algorithm", v)} />
        <FilterInput label="Namespace" value={params.get("namespace") ?? ""} onChange={(v) => setParam("namespace", v)} />
        <FilterInput label="Cluster" value={params.get("cluster") ?? ""} onChange={(v) => setParam("cluster", v)} />
      </div>
      {error && <p className="error">{error.message}</p>}
      <table className="jobs" data-testid="jobs-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.label}>
                {c.order ? (
                  <button type="button" className="sort" onClick={() => sortBy(c.order as OrderField)}>
                    {c.label}
                    {order.field === c.order ? (order.direction === "ASC" ? " ▲" : " ▼") : ""}
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {jobs?.nodes.map((j) => (
            <tr key={j.id} data-job-id={j.id} data-job-name={j.jobName}>
              <td>
                <Link to={`/jobs/${j.id}`}>{j.jobName}</Link>
              </td>
              <td>{j.namespace}</td>
              <td>{j.algorithm}</td>
              <td>
                <span className={`phase phase-${j.phase}`} data-testid="phase">
                  {j.phase}
                </span>
              </td>
              <td title={j.message}>{j.reason}</td>
              <td>{j.clusters.join(", ")}</td>
              <td className="num">{j.priority}</td>
              <td>{formatTime(j.createdAt)}</td>
              <td>{formatDuration(jobDuration(j.startTime, j.completionTime, now))}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {jobs && jobs.nodes.length === 0 && <p className="empty">No jobs match.</p>}
      {loading && !jobs && <p>Loading…</p>}
      <div className="pager">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          ← Newer
        </button>
        <span>
          page {cursors.length} · {jobs?.totalCount ?? 0} jobs
        </span>
        <button
          type="button"
          disabled={!jobs?.pageInfo.hasNextPage}
          onClick={() => {
            const end = jobs?.pageInfo.endCursor;
            if (end) setCursors((c) => [...c, end]);
          }}
        >
          Older →
        </button>
      </div>
    </section>
  );
}

function FilterInput(props: { label: string; value: string; onChange: (v: string) => void }) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  // Apply after a pause in typing, not on every key.
  useEffect(() => {
    if (text === props.value) return;
    const t = setTimeout(() => props.onChange(text), 300);
    return () => clearTimeout(t);
  }, [text, props]);
  return <input aria-label={props.label} placeholder={props.label} value={text} onChange={(e) => setText(e.target.value)} />;
}
