import { useQuery } from "@apollo/client";
import { Link } from "react-router";
import { formatBytes, percentOf } from "../lib/format";
import { CLUSTERS } from "../operations";

function Bar(props: { label: string; used: number; total: number; format: (n: number) => string }) {
  const pct = percentOf(props.used, props.total);
  return (
    <div className="bar-row" data-testid={`bar-${props.label}`}>
      <span className="bar-label">{props.label}</span>
      <span className="bar" title={`${pct.toFixed(0)} %`}>
        <span className="bar-fill" style={{ width: `${pct}%` }} />
      </span>
      <span className="bar-text">
        {props.format(props.used)} / {props.format(props.total)}
      </span>
    </div>
  );
}

const cores = (n: number) => `${Number(n.toFixed(1))}`;

export function ClustersPage() {
  const { data, loading, error } = useQuery(CLUSTERS, { pollInterval: 10_000 });
  if (loading && !data) return <p>Loading…</p>;
  if (error) return <p className="error">{error.message}</p>;
  return (
    <section>
      <h1>Clusters</h1>
      <div className="clusters">
        {data?.clusters.map((c) => (
          <article key={c.name} className="cluster" data-cluster={c.name}>
            <h2>
              {c.name}{" "}
              <span className={c.ready ? "ready" : "not-ready"} data-testid="ready">
                {c.ready ? "Ready" : "Not ready"}
              </span>
            </h2>
            {c.readyReason && <p className="muted">{c.readyReason}</p>}
            <p>
              {c.region ?? "no region"} · zones {c.zones.join(", ") || "—"} · {c.provider ?? ""}{" "}
              {c.kubernetesVersion ?? ""} · nodes {c.nodesReady}/{c.nodesTotal}
            </p>
            <Bar label="CPU" used={c.allocated?.cpu ?? 0} total={c.allocatable?.cpu ?? 0} format={cores} />
            <Bar
              label="Memory"
              used={c.allocated?.memoryBytes ?? 0}
              total={c.allocatable?.memoryBytes ?? 0}
              format={formatBytes}
            />
            <Bar label="GPU" used={c.allocated?.gpus ?? 0} total={c.allocatable?.gpus ?? 0} format={cores} />
            <p className="kinds">
              {c.workloadKinds.map((k) => (
                <span key={k} className="tag">
                  {k}
                </span>
              ))}
            </p>
            <h3>Jobs placed here</h3>
            {c.jobs.length === 0 ? (
              <p className="muted">none</p>
            ) : (
              <ul>
                {c.jobs.map((j) => (
                  <li key={j.id}>
                    <Link to={`/jobs/${j.id}`}>{j.jobName}</Link> <span className={`phase phase-${j.phase}`}>{j.phase}</span>{" "}
                    <span className="muted">{j.namespace}</span>
                  </li>
                ))}
              </ul>
            )}
          </article>
        ))}
      </div>
    </section>
  );
}
