import { useMutation, useQuery } from "@apollo/client";
import { useMemo, useRef, useState } from "react";
import { useNavigate } from "react-router";
import type { CreateJobInput, Placement } from "../gql/graphql";
import { describeError, fieldOfGraphQLError, formFieldFor, graphQLErrorsOf, type FieldError } from "../lib/errors";
import { numberOrText, parseParam, requestIdFor } from "../lib/request";
import { ALGORITHMS, CREATE_JOB } from "../operations";

interface Channel {
  channelName: string;
  bucket: string;
  prefix: string;
}

const KIND_LABEL: Record<string, string> = {
  RAY_JOB: "RayJob",
  PYTORCH_JOB: "PyTorchJob",
  TF_JOB: "TFJob",
  MPI_JOB: "MPIJob",
  JAX_JOB: "JAXJob",
  BATCH_JOB: "Job",
};

export function NewJobPage() {
  const { data, error: loadError } = useQuery(ALGORITHMS);
  const navigate = useNavigate();
  const [create, { loading }] = useMutation(CREATE_JOB);
  const [jobName, setJobName] = useState("");
  const [namespace, setNamespace] = useState("default");
  const [algorithm, setAlgorithm] = useState("");
  const [imageUri, setImageUri] = useState("");
  const [params, setParams] = useState<Record<string, string>>({});
  const [instanceCount, setInstanceCount] = useState("1");
  const [cpuCores, setCpuCores] = useState("1");
  const [memoryGiB, setMemoryGiB] = useState("2");
  const [gpuCount, setGpuCount] = useState("0");
  const [volumeSizeGB, setVolumeSizeGB] = useState("");
  const [channels, setChannels] = useState<Channel[]>([]);
  const [targets, setTargets] = useState<string[]>([]);
  const [placement, setPlacement] = useState<Placement>("ONE");
  const [priority, setPriority] = useState("0");
  const [maxRuntime, setMaxRuntime] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const lastRequest = useRef<{ body: string; id: string } | null>(null);

  const algorithms = data?.algorithms ?? [];
  const chosen = algorithms.find((a) => a.name === (algorithm || algorithms[0]?.name));
  const algoName = chosen?.name ?? "";
  const isContainer = chosen?.source === "container";

  const formFields = useMemo(() => {
    const f = [
      "jobName",
      "namespace",
      "algorithm",
      "algorithm.algorithmName",
      "algorithm.imageUri",
      "hyperparameters",
      "resources",
      "resources.instanceCount",
      "resources.instanceResources.cpuCores",
      "resources.instanceResources.memoryGiB",
      "resources.instanceResources.gpuCount",
      "resources.volumeSizeGB",
      "inputDataConfig",
      "targetClusters",
      "placement",
      "priority",
      "stoppingCondition.maxRuntimeSeconds",
    ];
    chosen?.parameters.forEach((p) => f.push(`hyperparameters.${algoName}.${p.name}`));
    channels.forEach((_, i) => {
      f.push(`inputDataConfig[${i}]`, `inputDataConfig[${i}].channelName`, `inputDataConfig[${i}].bucket`);
    });
    return f;
  }, [chosen, algoName, channels]);

  const showErrors = (list: FieldError[]) => {
    const next: Record<string, string> = {};
    let general: string | null = null;
    for (const e of list) {
      const at = formFieldFor(e.field, formFields);
      if (at) next[at] = e.field === at ? e.message : `${e.field}: ${e.message}`;
      else general = e.field ? `${e.field}: ${e.message}` : e.message;
    }
    setErrors(next);
    setFormError(general);
  };

  const buildInput = (): CreateJobInput => {
    const hp: Record<string, unknown> = {};
    chosen?.parameters.forEach((p) => {
      const v = parseParam(p, params[p.name] ?? "");
      if (v !== undefined) hp[p.name] = v;
    });
    const max = numberOrText(maxRuntime);
    const volume = numberOrText(volumeSizeGB);
    return {
      jobName: jobName.trim(),
      namespace: namespace.trim() || "default",
      algorithm: isContainer
        ? { source: "container", imageUri: imageUri.trim() || null }
        : { source: "builtin", algorithmName: algoName },
      hyperparameters: Object.keys(hp).length ? { [algoName]: hp } : {},
      resources: {
        instanceCount: numberOrText(instanceCount) ?? undefined,
        volumeSizeGB: volume ?? undefined,
        instanceResources: {
          cpuCores: numberOrText(cpuCores) as number,
          memoryGiB: numberOrText(memoryGiB) as number,
          gpuCount: numberOrText(gpuCount) ?? 0,
        },
      },
      inputDataConfig: channels.map((c) => ({
        channelName: c.channelName.trim(),
        bucket: c.bucket.trim() || null,
        prefix: c.prefix.trim(),
      })),
      targetClusters: targets,
      placement,
      priority: numberOrText(priority) ?? 0,
      stoppingCondition: max === null ? null : { maxRuntimeSeconds: max },
    };
  };

  const submit = async () => {
    const input = buildInput();
    const body = JSON.stringify(input);
    lastRequest.current = requestIdFor(lastRequest.current, body);
    setFormError(null);
    try {
      const r = await create({ variables: { input: { ...input, clientRequestId: lastRequest.current.id } } });
      const res = r.data?.createJob;
      if (res?.__typename === "CreateJobSuccess") {
        lastRequest.current = null;
        void navigate(`/jobs/${res.job.id}`);
      } else if (res?.__typename === "InvalidInputError") {
        showErrors([{ field: res.field, message: res.message }]);
      }
    } catch (error) {
      const errors = graphQLErrorsOf(error);
      if (errors.length) showErrors(errors.map(fieldOfGraphQLError));
      else setFormError(`${describeError(error)} — submit again: the same request id makes sure only one job is created.`);
    }
  };

  const err = (field: string) =>
    errors[field] ? (
      <span className="field-error" role="alert" data-field={field}>
        {errors[field]}
      </span>
    ) : null;

  const hiddenError = Object.keys(errors).some((k) => k.startsWith(`hyperparameters.${algoName}.`));
  type Param = NonNullable<typeof chosen>["parameters"][number];
  const renderParam = (p: Param) => {
              const field = `hyperparameters.${algoName}.${p.name}`;
              const value = params[p.name] ?? "";
              const set = (v: string) => setParams((prev) => ({ ...prev, [p.name]: v }));
              const hint = [
                p.minimum != null && Math.abs(p.minimum) < 1e15 ? `≥ ${p.minimum}` : "",
                p.maximum != null && Math.abs(p.maximum) < 1e15 ? `≤ ${p.maximum}` : "",
                p.allowsAuto ? "or auto" : "",
              ]
                .filter(Boolean)
                .join(" ");
              return (
                <label key={p.name} title={p.description}>
                  {p.name}
                  {p.required ? " *" : ""}
                  {p.choices.length > 0 ? (
                    <select name={field} value={value} onChange={(e) => set(e.target.value)}>
                      <option value="">default{p.default != null ? ` (${String(p.default)})` : ""}</option>
                      {p.choices.map((c) => (
                        <option key={c}>{c}</option>
                      ))}
                    </select>
                  ) : p.type === "BOOLEAN" ? (
                    <select name={field} value={value} onChange={(e) => set(e.target.value)}>
                      <option value="">default{p.default != null ? ` (${String(p.default)})` : ""}</option>
                      <option>true</option>
                      <option>false</option>
                    </select>
                  ) : (
                    <input
                      name={field}
                      value={value}
                      inputMode={p.type === "INT" || p.type === "FLOAT" ? "decimal" : "text"}
                      placeholder={p.default != null ? String(p.default) : ""}
                      onChange={(e) => set(e.target.value)}
                    />
                  )}
                  <span className="muted small">
                    {p.type.toLowerCase()} {hint} — {p.description}
                  </span>
                  {err(field)}
                </label>
              );
            };

  if (loadError) return <p className="error">{loadError.message}</p>;
  return (
    <section>
      <h1>New job</h1>
      <form
        className="newjob"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        noValidate
      >
        <fieldset>
          <legend>Job</legend>
          <label>
            Name
            <input name="jobName" value={jobName} onChange={(e) => setJobName(e.target.value)} />
            {err("jobName")}
          </label>
          <label>
            Namespace
            <input name="namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)} />
            {err("namespace")}
          </label>
          <label>
            Algorithm
            <select name="algorithm" value={algoName} onChange={(e) => setAlgorithm(e.target.value)}>
              {algorithms.map((a) => (
                <option key={a.name} value={a.name}>
                  {a.name} ({KIND_LABEL[a.workloadKind] ?? a.workloadKind})
                </option>
              ))}
            </select>
            {err("algorithm")}
            {err("algorithm.algorithmName")}
          </label>
          {chosen && <p className="muted">{chosen.description}</p>}
          {isContainer && (
            <label>
              Image
              <input name="imageUri" value={imageUri} onChange={(e) => setImageUri(e.target.value)} />
              {err("algorithm.imageUri")}
            </label>
          )}
        </fieldset>
        {chosen && chosen.parameters.length > 0 && (
          <fieldset>
            <legend>Hyperparameters</legend>
            {err("hyperparameters")}
            {chosen.parameters.filter((p) => p.required).map(renderParam)}
            {/* Opened when the server named one of them. */}
            <details
              className="more-params"
              key={String(hiddenError)}
              open={hiddenError || undefined}
            >
              <summary>
                All {chosen.parameters.length} hyperparameters of {chosen.name} (empty: the default)
              </summary>
              {chosen.parameters.filter((p) => !p.required).map(renderParam)}
            </details>
          </fieldset>
        )}
        <fieldset>
          <legend>Resources</legend>
          {err("resources")}
          <NumberField label="Instances" name="resources.instanceCount" value={instanceCount} set={setInstanceCount} err={err} />
          <NumberField label="CPU cores" name="resources.instanceResources.cpuCores" value={cpuCores} set={setCpuCores} err={err} />
          <NumberField label="Memory (GiB)" name="resources.instanceResources.memoryGiB" value={memoryGiB} set={setMemoryGiB} err={err} />
          <NumberField label="GPUs" name="resources.instanceResources.gpuCount" value={gpuCount} set={setGpuCount} err={err} />
          <NumberField label="Volume (GB)" name="resources.volumeSizeGB" value={volumeSizeGB} set={setVolumeSizeGB} err={err} />
        </fieldset>
        <fieldset>
          <legend>Input channels</legend>
          {err("inputDataConfig")}
          {channels.map((c, i) => (
            <div key={i} className="channel">
              {(["channelName", "bucket", "prefix"] as const).map((k) => (
                <label key={k}>
                  {k}
                  <input
                    name={`inputDataConfig[${i}].${k}`}
                    value={c[k]}
                    onChange={(e) =>
                      setChannels((prev) => prev.map((x, j) => (j === i ? { ...x, [k]: e.target.value } : x)))
                    }
                  />
                  {err(`inputDataConfig[${i}].${k}`)}
                </label>
              ))}
              {err(`inputDataConfig[${i}]`)}
              <button type="button" onClick={() => setChannels((prev) => prev.filter((_, j) => j !== i))}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setChannels((prev) => [...prev, { channelName: "train", bucket: "", prefix: "" }])}>
            Add channel
          </button>
        </fieldset>
        <fieldset>
          <legend>Placement</legend>
          <div className="targets">
            {data?.clusters.map((c) => (
              <label key={c.name} className="inline">
                <input
                  type="checkbox"
                  name={`target-${c.name}`}
                  checked={targets.includes(c.name)}
                  onChange={(e) =>
                    setTargets((prev) => (e.target.checked ? [...prev, c.name] : prev.filter((t) => t !== c.name)))
                  }
                />
                {c.name} {c.ready ? "" : "(not ready)"}
              </label>
            ))}
            <span className="muted small">none checked: any cluster</span>
          </div>
          {err("targetClusters")}
          <label>
            Placement
            <select name="placement" value={placement} onChange={(e) => setPlacement(e.target.value as Placement)}>
              <option value="ONE">one cluster</option>
              <option value="EVERY">every target cluster</option>
            </select>
            {err("placement")}
          </label>
          <NumberField label="Priority (0-1000)" name="priority" value={priority} set={setPriority} err={err} />
          <NumberField
            label="Max runtime (s)"
            name="stoppingCondition.maxRuntimeSeconds"
            value={maxRuntime}
            set={setMaxRuntime}
            err={err}
          />
        </fieldset>
        {formError && (
          <p className="error" role="alert" data-testid="form-error">
            {formError}
          </p>
        )}
        <button type="submit" disabled={loading || !chosen}>
          {loading ? "Submitting…" : "Create job"}
        </button>
      </form>
    </section>
  );
}

function NumberField(props: {
  label: string;
  name: string;
  value: string;
  set: (v: string) => void;
  err: (field: string) => React.ReactNode;
}) {
  return (
    <label>
      {props.label}
      <input name={props.name} inputMode="decimal" value={props.value} onChange={(e) => props.set(e.target.value)} />
      {props.err(props.name)}
    </label>
  );
}
