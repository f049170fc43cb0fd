/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An RFC 3339 date-time, always in UTC with `Z` (e.g. `2026-01-31T12:00:00.000000Z`); inputs may carry any offset. */
  DateTime: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf). */
  JSON: { input: unknown; output: unknown; }
};

/** An algorithm the server runs, with its hyperparameters. */
export type Algorithm = {
  __typename?: 'Algorithm';
  description: Scalars['String']['output'];
  /** algorithm.algorithmName (and Job.algorithm); `container` for a custom image. */
  name: Scalars['String']['output'];
  parameters: Array<AlgorithmParameter>;
  /** algorithm.source: "builtin" or "container". */
  source: Scalars['String']['output'];
  workloadKind: WorkloadKind;
};

export type AlgorithmInput = {
  algorithmName?: InputMaybe<Scalars['String']['input']>;
  imageUri?: InputMaybe<Scalars['String']['input']>;
  source?: Scalars['String']['input'];
};

/** One hyperparameter of an algorithm (hyperparameters.<algorithm>). */
export type AlgorithmParameter = {
  __typename?: 'AlgorithmParameter';
  /** Also accepts the string "auto". */
  allowsAuto: Scalars['Boolean']['output'];
  /** Allowed strings; empty: any. */
  choices: Array<Scalars['String']['output']>;
  /** The value used when it is not sent; null: the framework's own default. */
  default?: Maybe<Scalars['JSON']['output']>;
  description: Scalars['String']['output'];
  /** The environment variable the code reads. */
  env: Scalars['String']['output'];
  /** Inclusive; numbers only. */
  maximum?: Maybe<Scalars['Float']['output']>;
  /** Inclusive; numbers only. */
  minimum?: Maybe<Scalars['Float']['output']>;
  name: Scalars['String']['output'];
  required: Scalars['Boolean']['output'];
  type: ParameterType;
};

export type ChannelInput = {
  bucket?: InputMaybe<Scalars['String']['input']>;
  channelName: Scalars['String']['input'];
  endpoint?: InputMaybe<Scalars['String']['input']>;
  id?: InputMaybe<Scalars['String']['input']>;
  prefix?: Scalars['String']['input'];
  sourceType?: InputMaybe<Scalars['String']['input']>;
  storageProvider?: InputMaybe<Scalars['String']['input']>;
};

/** A Karmada member cluster. */
export type Cluster = {
  __typename?: 'Cluster';
  /** What the cluster's nodes offer (resourceSummary). */
  allocatable?: Maybe<ResourceAmounts>;
  /** Requests of the pods scheduled there. */
  allocated?: Maybe<ResourceAmounts>;
  /** Requests of the pods waiting to be scheduled there. */
  allocating?: Maybe<ResourceAmounts>;
  /** Jobs Karmada placed on this cluster, newest first. */
  jobs: Array<Job>;
  kubernetesVersion?: Maybe<Scalars['String']['output']>;
  labels: Scalars['JSON']['output'];
  name: Scalars['String']['output'];
  nodesReady: Scalars['Int']['output'];
  nodesTotal: Scalars['Int']['output'];
  provider?: Maybe<Scalars['String']['output']>;
  ready: Scalars['Boolean']['output'];
  readyReason?: Maybe<Scalars['String']['output']>;
  region?: Maybe<Scalars['String']['output']>;
  /** group/version/Kind of the workloads it can run (from apiEnablements). */
  workloadKinds: Array<Scalars['String']['output']>;
  zones: Array<Scalars['String']['output']>;
};


/** A Karmada member cluster. */
export type ClusterJobsArgs = {
  activeOnly?: Scalars['Boolean']['input'];
  first?: Scalars['Int']['input'];
};

/** A training job request; the same keys as the REST body. */
export type CreateJobInput = {
  algorithm: AlgorithmInput;
  /** Idempotency key: a retried createJob with the same key (and the same request) returns the job the first call created instead of a new one. */
  clientRequestId?: InputMaybe<Scalars['String']['input']>;
  /** Free-form {<name>: string | number | boolean}. */
  customHyperparameters?: Scalars['JSON']['input'];
  entrypoint?: InputMaybe<Scalars['String']['input']>;
  headImage?: InputMaybe<Scalars['String']['input']>;
  /** {<algorithm>: {<name>: <value>}}; the `algorithms` query lists each algorithm's parameters. */
  hyperparameters?: Scalars['JSON']['input'];
  inputDataConfig?: Array<ChannelInput>;
  jobName: Scalars['String']['input'];
  namespace?: Scalars['String']['input'];
  outputDataConfig?: InputMaybe<OutputDataConfigInput>;
  /** TensorFlow only: parameter servers. */
  parameterServerCount?: Scalars['Int']['input'];
  placement?: Placement;
  /** 0..1000. */
  priority?: Scalars['Int']['input'];
  pvcName?: InputMaybe<Scalars['String']['input']>;
  recoveryPolicy?: InputMaybe<RecoveryPolicyInput>;
  resources: ResourcesInput;
  stoppingCondition?: InputMaybe<StoppingConditionInput>;
  storageSecretName?: InputMaybe<Scalars['String']['input']>;
  /** Candidate clusters; empty: any. */
  targetClusters?: Array<Scalars['String']['input']>;
  workerImage?: InputMaybe<Scalars['String']['input']>;
};

export type CreateJobResult = CreateJobSuccess | InvalidInputError;

export type CreateJobSuccess = {
  __typename?: 'CreateJobSuccess';
  job: Job;
};

export type DeleteJobResult = DeleteJobSuccess;

export type DeleteJobSuccess = {
  __typename?: 'DeleteJobSuccess';
  id: Scalars['ID']['output'];
  message: Scalars['String']['output'];
};

export type InstanceResourcesInput = {
  /** > 0, at most the configured maximum. */
  cpuCores: Scalars['Float']['input'];
  gpuCount?: Scalars['Int']['input'];
  /** > 0. */
  memoryGiB: Scalars['Float']['input'];
};

/** The request was invalid; nothing was written. */
export type InvalidInputError = {
  __typename?: 'InvalidInputError';
  field: Scalars['String']['output'];
  message: Scalars['String']['output'];
};

/** The job cannot do that in its current phase. */
export type InvalidStateError = {
  __typename?: 'InvalidStateError';
  id: Scalars['ID']['output'];
  message: Scalars['String']['output'];
};

/** A training job. */
export type Job = {
  __typename?: 'Job';
  active: Scalars['Int']['output'];
  algorithm: Scalars['String']['output'];
  /** The number of the current attempt (1 until a recovery). */
  attempt: Scalars['Int']['output'];
  /** Each attempt of the job, oldest first; the last is current. */
  attempts: Array<JobAttempt>;
  /** Where Karmada placed it. */
  clusters: Array<Scalars['String']['output']>;
  completionTime?: Maybe<Scalars['DateTime']['output']>;
  createdAt: Scalars['DateTime']['output'];
  createdBy?: Maybe<Scalars['String']['output']>;
  /** The job's history, oldest first. */
  events: Array<JobEvent>;
  failed: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  jobName: Scalars['String']['output'];
  /** The Kubernetes kind of its workload. */
  kind: WorkloadKind;
  /** When its pod logs were archived (after it finished). */
  logsArchivedAt?: Maybe<Scalars['DateTime']['output']>;
  message: Scalars['String']['output'];
  namespace: Scalars['String']['output'];
  objectName: Scalars['String']['output'];
  phase: JobPhase;
  priority: Scalars['Int']['output'];
  /** Why the job is in its phase. */
  reason: JobReason;
  /** The normalised request (secrets redacted). */
  request: Scalars['JSON']['output'];
  startTime?: Maybe<Scalars['DateTime']['output']>;
  /** When its status was last read from Karmada. */
  statusConfirmedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Who called stopJob. */
  stoppedBy?: Maybe<Scalars['String']['output']>;
  succeeded: Scalars['Int']['output'];
  targetClusters: Array<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  /** When retention removed its objects from Karmada. */
  workloadDeletedAt?: Maybe<Scalars['DateTime']['output']>;
};


/** A training job. */
export type JobEventsArgs = {
  afterSequence?: Scalars['Int']['input'];
  first?: Scalars['Int']['input'];
};

/** One attempt of a job: its own objects on one cluster. */
export type JobAttempt = {
  __typename?: 'JobAttempt';
  cluster?: Maybe<Scalars['String']['output']>;
  endedAt?: Maybe<Scalars['DateTime']['output']>;
  message: Scalars['String']['output'];
  number: Scalars['Int']['output'];
  phase: JobPhase;
  /** How it ended (the failure's cause), or is. */
  reason: Scalars['String']['output'];
  startedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** A page of jobs, newest first. */
export type JobConnection = {
  __typename?: 'JobConnection';
  edges: Array<JobEdge>;
  nodes: Array<Job>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type JobEdge = {
  __typename?: 'JobEdge';
  cursor: Scalars['String']['output'];
  node: Job;
};

/** A transition in a job's history. */
export type JobEvent = {
  __typename?: 'JobEvent';
  actor?: Maybe<Scalars['String']['output']>;
  at: Scalars['DateTime']['output'];
  cluster?: Maybe<Scalars['String']['output']>;
  fromPhase?: Maybe<JobPhase>;
  message: Scalars['String']['output'];
  reason: JobReason;
  sequence: Scalars['Int']['output'];
  toPhase: JobPhase;
};

/** Every condition given must hold; applied before paging. */
export type JobFilterInput = {
  algorithms?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Jobs placed on any of these clusters. */
  clusters?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Created at or after this time. */
  createdAfter?: InputMaybe<Scalars['DateTime']['input']>;
  /** Created before this time. */
  createdBefore?: InputMaybe<Scalars['DateTime']['input']>;
  minPriority?: InputMaybe<Scalars['Int']['input']>;
  /** Case-insensitive substring of the jobName. */
  nameContains?: InputMaybe<Scalars['String']['input']>;
  namespace?: InputMaybe<Scalars['String']['input']>;
  phases?: InputMaybe<Array<JobPhase>>;
};

/** One line of a followed pod log. */
export type JobLogLine = {
  __typename?: 'JobLogLine';
  cluster: Scalars['String']['output'];
  container: Scalars['String']['output'];
  line: Scalars['String']['output'];
  pod: Scalars['String']['output'];
};

export type JobLogStreamItem = JobLogLine | LogStreamError;

/** A job's logs, from its live pods or from the archive. */
export type JobLogs = {
  __typename?: 'JobLogs';
  pods: Array<PodLogs>;
  source: LogSource;
  /** All pods' logs; a header per pod if several. */
  text: Scalars['String']['output'];
  truncated: Scalars['Boolean']['output'];
};

export type JobLogsResult = InvalidInputError | JobLogs | UnavailableError;

export type JobOrderField =
  | 'CREATED_AT'
  | 'NAME'
  | 'PHASE'
  | 'PRIORITY'
  | 'UPDATED_AT';

/** Sort order; ties are broken by id in the same direction. */
export type JobOrderInput = {
  direction?: OrderDirection;
  field?: JobOrderField;
};

/** Where a job is in its lifecycle. */
export type JobPhase =
  | 'DELETING'
  | 'FAILED'
  | 'PENDING'
  | 'RUNNING'
  | 'STOPPED'
  | 'STOPPING'
  | 'SUCCEEDED';

/** Why a job is in its phase (REST: the same word in CamelCase, e.g. SUBMISSION_RETRYING is `SubmissionRetrying`). */
export type JobReason =
  /** The training code failed. */
  | 'APP_FAILED'
  /** Finished successfully. */
  | 'COMPLETED'
  /** stoppingCondition.maxRuntimeSeconds elapsed. */
  | 'DEADLINE_EXCEEDED'
  /** deleteJob was called; waiting for Karmada. */
  | 'DELETE_REQUESTED'
  /** A container image cannot be pulled. */
  | 'IMAGE_PULL_BACK_OFF'
  /** Placed; the workload's pods are starting. */
  | 'INITIALIZING'
  /** An attempt failed (its cause in the message); the next one is starting. */
  | 'RECOVERING'
  /** The operator is restarting failed replicas. */
  | 'RETRYING'
  /** The training code is running. */
  | 'RUNNING'
  /** Karmada has not placed the job on a cluster yet. */
  | 'SCHEDULING'
  /** The member cluster stopped reporting; the last known phase is kept. */
  | 'STATUS_STALE'
  /** stopJob was called. */
  | 'STOPPED_BY_USER'
  /** The submission deadline passed, or Karmada rejected the objects. */
  | 'SUBMISSION_FAILED'
  /** Karmada was unreachable at submission; retried until a deadline. */
  | 'SUBMISSION_RETRYING'
  /** Row written, Karmada objects being created. */
  | 'SUBMITTING'
  /** Karmada found no cluster that fits. */
  | 'UNSCHEDULABLE'
  /** Its objects vanished from Karmada without a delete. */
  | 'WORKLOAD_LOST';

/** A job's state at one point of its history. */
export type JobStatusUpdate = {
  __typename?: 'JobStatusUpdate';
  at: Scalars['DateTime']['output'];
  /** True once the job no longer exists. */
  deleted: Scalars['Boolean']['output'];
  /** The job as of this update (phase, reason, message and updatedAt are the update's), so a normalised client cache merges it by id; once deleted, the job as last seen. */
  job: Job;
  /** Kept for older clients: `job { id }`. */
  jobId: Scalars['ID']['output'];
  message: Scalars['String']['output'];
  phase: JobPhase;
  reason: JobReason;
  /** The job's event sequence number. */
  sequence: Scalars['Int']['output'];
};

/** Which jobs jobUpdates follows; all given conditions apply. */
export type JobUpdatesFilterInput = {
  ids?: InputMaybe<Array<Scalars['ID']['input']>>;
  namespace?: InputMaybe<Scalars['String']['input']>;
  /** Only transitions into these phases (and deletions). */
  phases?: InputMaybe<Array<JobPhase>>;
};

/** Where logs were read from. */
export type LogSource =
  | 'ARCHIVE'
  | 'LIVE';

/** The stream could not go on (the subscription completes after it). */
export type LogStreamError = {
  __typename?: 'LogStreamError';
  message: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Validate, store and submit a training job. */
  createJob: CreateJobResult;
  /** Remove the job's workload from Karmada, then the job. */
  deleteJob: DeleteJobResult;
  /** A new job from the stored request of job `id`, with `overrides` (request keys, merged object by object) applied. */
  retryJob: RetryJobResult;
  /** Stop the job's work and keep its record: STOPPING, then STOPPED. */
  stopJob: StopJobResult;
};


export type MutationCreateJobArgs = {
  input: CreateJobInput;
};


export type MutationDeleteJobArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRetryJobArgs = {
  id: Scalars['ID']['input'];
  overrides?: InputMaybe<Scalars['JSON']['input']>;
  recoveryPolicy?: InputMaybe<RecoveryPolicyInput>;
};


export type MutationStopJobArgs = {
  id: Scalars['ID']['input'];
};

export type OrderDirection =
  | 'ASC'
  | 'DESC';

export type OutputDataConfigInput = {
  artifactUri?: InputMaybe<Scalars['String']['input']>;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** The JSON type of a hyperparameter value. */
export type ParameterType =
  | 'BOOLEAN'
  | 'FLOAT'
  | 'INT'
  | 'STRING'
  /** A list of strings, or one string. */
  | 'STRING_LIST';

/** How many of the target clusters a job runs on. */
export type Placement =
  /** A full copy on every target cluster. */
  | 'EVERY'
  /** Exactly one cluster (Karmada picks it). */
  | 'ONE';

/** The log of one container of one pod. */
export type PodLogs = {
  __typename?: 'PodLogs';
  cluster: Scalars['String']['output'];
  /** Empty for single-container pods. */
  container: Scalars['String']['output'];
  lineCount: Scalars['Int']['output'];
  pod: Scalars['String']['output'];
  text: Scalars['String']['output'];
  /** True when older lines were left out. */
  truncated: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Every algorithm a job can run, with its workload kind and hyperparameters (type, bounds, choices): enough to generate a job form. */
  algorithms: Array<Algorithm>;
  /** One member cluster, or null. */
  cluster?: Maybe<Cluster>;
  /** Karmada's member clusters. */
  clusters: Array<Cluster>;
  /** One job, or null if there is none with that id (the one lookup that answers null; every other field taking a job id answers a NOT_FOUND error). */
  job?: Maybe<Job>;
  /** A job's history, oldest first; an unknown job is a NOT_FOUND error. */
  jobEvents?: Maybe<Array<JobEvent>>;
  /** The pod logs of one attempt of the job (default: its current attempt): live from its member cluster(s), else archived; an earlier attempt's are archived. */
  jobLogs: JobLogsResult;
  /** Jobs (newest first by default), filtered before paging. */
  jobs: JobConnection;
};


export type QueryClusterArgs = {
  name: Scalars['String']['input'];
};


export type QueryJobArgs = {
  id: Scalars['ID']['input'];
};


export type QueryJobEventsArgs = {
  afterSequence?: Scalars['Int']['input'];
  first?: Scalars['Int']['input'];
  id: Scalars['ID']['input'];
};


export type QueryJobLogsArgs = {
  attempt?: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['ID']['input'];
  pod?: InputMaybe<Scalars['String']['input']>;
  sinceSeconds?: InputMaybe<Scalars['Int']['input']>;
  tailLines?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryJobsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<JobFilterInput>;
  first?: Scalars['Int']['input'];
  orderBy?: InputMaybe<JobOrderInput>;
};

/** What the platform does when an attempt of the job fails (issue 19); unset fields take the installation's defaults (RECOVERY_* settings). */
export type RecoveryPolicyInput = {
  /** Place new attempts away from clusters that failed. */
  avoidFailedClusters?: InputMaybe<Scalars['Boolean']['input']>;
  /** Handed to every attempt as CHECKPOINT_URI (with ATTEMPT). */
  checkpointUri?: InputMaybe<Scalars['String']['input']>;
  /** Attempts in all, the first included (default 3). */
  maxAttempts?: InputMaybe<Scalars['Int']['input']>;
  /** How long a member may be NotReady/unreachable (default 60). */
  memberGraceSeconds?: InputMaybe<Scalars['Float']['input']>;
  /** "replace" (default) after the grace, or "wait" for it. */
  onUnreachable?: InputMaybe<Scalars['String']['input']>;
  /** Retry non-zero exits and framework failures (default false). */
  retryApplication?: InputMaybe<Scalars['Boolean']['input']>;
  /** Retry member loss, eviction, preemption, node loss, deleted workloads. */
  retryInfrastructure?: InputMaybe<Scalars['Boolean']['input']>;
};

/** An amount of compute resources. */
export type ResourceAmounts = {
  __typename?: 'ResourceAmounts';
  /** CPU cores. */
  cpu: Scalars['Float']['output'];
  /** nvidia.com/gpu. */
  gpus: Scalars['Float']['output'];
  memoryBytes: Scalars['Float']['output'];
  pods: Scalars['Float']['output'];
};

export type ResourcesInput = {
  instanceCount?: Scalars['Int']['input'];
  instanceResources: InstanceResourcesInput;
  volumeSizeGB?: Scalars['Int']['input'];
};

export type RetryJobResult = CreateJobSuccess | InvalidInputError;

export type StopJobResult = InvalidStateError | StopJobSuccess | UnavailableError;

export type StopJobSuccess = {
  __typename?: 'StopJobSuccess';
  job: Job;
};

export type StoppingConditionInput = {
  maxRuntimeSeconds?: InputMaybe<Scalars['Int']['input']>;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** The job's history, oldest first, then each new event; completes after a terminal phase or deletion. */
  jobEvents: JobEvent;
  /** Follow the job's pod logs live (a finished job: its logs once); completes when the job ends or a member cluster becomes unreachable. */
  jobLogStream: JobLogStreamItem;
  /** The job's current state, then every transition; completes after a terminal phase or deletion. */
  jobStatus: JobStatusUpdate;
  /** Every transition of the jobs matching the filter, for list views (no initial state; after a gap, the latest state of each job updated meanwhile). */
  jobUpdates: JobStatusUpdate;
};


export type SubscriptionJobEventsArgs = {
  id: Scalars['ID']['input'];
};


export type SubscriptionJobLogStreamArgs = {
  id: Scalars['ID']['input'];
  pod?: InputMaybe<Scalars['String']['input']>;
  tailLines?: Scalars['Int']['input'];
};


export type SubscriptionJobStatusArgs = {
  afterSequence?: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['ID']['input'];
};


export type SubscriptionJobUpdatesArgs = {
  filter?: InputMaybe<JobUpdatesFilterInput>;
};

/** A dependency (Karmada or a member cluster) did not answer. */
export type UnavailableError = {
  __typename?: 'UnavailableError';
  message: Scalars['String']['output'];
};

/** The Kubernetes kind a job runs as. */
export type WorkloadKind =
  /** batch/v1 Job (custom containers). */
  | 'BATCH_JOB'
  /** kubeflow.org/v1 JAXJob. */
  | 'JAX_JOB'
  /** kubeflow.org/v2beta1 MPIJob. */
  | 'MPI_JOB'
  /** kubeflow.org/v1 PyTorchJob. */
  | 'PYTORCH_JOB'
  /** ray.io/v1 RayJob (KubeRay). */
  | 'RAY_JOB'
  /** kubeflow.org/v1 TFJob. */
  | 'TF_JOB';

export type JobRowFragment = { __typename?: 'Job', id: string, jobName: string, namespace: string, algorithm: string, phase: JobPhase, reason: JobReason, message: string, kind: WorkloadKind, priority: number, clusters: Array<string>, targetClusters: Array<string>, createdAt: string, updatedAt: string, startTime?: string | null, completionTime?: string | null };

export type ConsoleJobsQueryVariables = Exact<{
  filter?: InputMaybe<JobFilterInput>;
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
  orderBy?: InputMaybe<JobOrderInput>;
}>;


export type ConsoleJobsQuery = { __typename?: 'Query', jobs: { __typename?: 'JobConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, nodes: Array<{ __typename?: 'Job', id: string, jobName: string, namespace: string, algorithm: string, phase: JobPhase, reason: JobReason, message: string, kind: WorkloadKind, priority: number, clusters: Array<string>, targetClusters: Array<string>, createdAt: string, updatedAt: string, startTime?: string | null, completionTime?: string | null }> } };

export type ConsolePhaseCountsQueryVariables = Exact<{
  pending?: InputMaybe<JobFilterInput>;
  running?: InputMaybe<JobFilterInput>;
  succeeded?: InputMaybe<JobFilterInput>;
  failed?: InputMaybe<JobFilterInput>;
  stopping?: InputMaybe<JobFilterInput>;
  stopped?: InputMaybe<JobFilterInput>;
  deleting?: InputMaybe<JobFilterInput>;
}>;


export type ConsolePhaseCountsQuery = { __typename?: 'Query', pending: { __typename?: 'JobConnection', totalCount: number }, running: { __typename?: 'JobConnection', totalCount: number }, succeeded: { __typename?: 'JobConnection', totalCount: number }, failed: { __typename?: 'JobConnection', totalCount: number }, stopping: { __typename?: 'JobConnection', totalCount: number }, stopped: { __typename?: 'JobConnection', totalCount: number }, deleting: { __typename?: 'JobConnection', totalCount: number } };

export type ConsoleJobUpdatesSubscriptionVariables = Exact<{
  filter?: InputMaybe<JobUpdatesFilterInput>;
}>;


export type ConsoleJobUpdatesSubscription = { __typename?: 'Subscription', jobUpdates: { __typename?: 'JobStatusUpdate', jobId: string, phase: JobPhase, reason: JobReason, message: string, sequence: number, at: string, deleted: boolean, job: { __typename?: 'Job', id: string, jobName: string, namespace: string, algorithm: string, phase: JobPhase, reason: JobReason, message: string, kind: WorkloadKind, priority: number, clusters: Array<string>, targetClusters: Array<string>, createdAt: string, updatedAt: string, startTime?: string | null, completionTime?: string | null } } };

export type ConsoleJobQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ConsoleJobQuery = { __typename?: 'Query', job?: { __typename?: 'Job', objectName: string, request: unknown, active: number, succeeded: number, failed: number, statusConfirmedAt?: string | null, createdBy?: string | null, stoppedBy?: string | null, logsArchivedAt?: string | null, workloadDeletedAt?: string | null, attempt: number, id: string, jobName: string, namespace: string, algorithm: string, phase: JobPhase, reason: JobReason, message: string, kind: WorkloadKind, priority: number, clusters: Array<string>, targetClusters: Array<string>, createdAt: string, updatedAt: string, startTime?: string | null, completionTime?: string | null, events: Array<{ __typename?: 'JobEvent', sequence: number, at: string, fromPhase?: JobPhase | null, toPhase: JobPhase, reason: JobReason, message: string, cluster?: string | null, actor?: string | null }> } | null };

export type JobEventFieldsFragment = { __typename?: 'JobEvent', sequence: number, at: string, fromPhase?: JobPhase | null, toPhase: JobPhase, reason: JobReason, message: string, cluster?: string | null, actor?: string | null };

export type ConsoleJobStatusSubscriptionVariables = Exact<{
  id: Scalars['ID']['input'];
  afterSequence?: InputMaybe<Scalars['Int']['input']>;
}>;


export type ConsoleJobStatusSubscription = { __typename?: 'Subscription', jobStatus: { __typename?: 'JobStatusUpdate', jobId: string, phase: JobPhase, reason: JobReason, message: string, sequence: number, at: string, deleted: boolean, job: { __typename?: 'Job', attempt: number, id: string, jobName: string, namespace: string, algorithm: string, phase: JobPhase, reason: JobReason, message: string, kind: WorkloadKind, priority: number, clusters: Array<string>, targetClusters: Array<string>, createdAt: string, updatedAt: string, startTime?: string | null, completionTime?: string | null } } };

export type ConsoleJobEventsAfterQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  afterSequence: Scalars['Int']['input'];
}>;


export type ConsoleJobEventsAfterQuery = { __typename?: 'Query', jobEvents?: Array<{ __typename?: 'JobEvent', sequence: number, at: string, fromPhase?: JobPhase | null, toPhase: JobPhase, reason: JobReason, message: string, cluster?: string | null, actor?: string | null }> | null };

export type ConsoleJobLogsQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  pod?: InputMaybe<Scalars['String']['input']>;
  attempt?: InputMaybe<Scalars['Int']['input']>;
}>;


export type ConsoleJobLogsQuery = { __typename?: 'Query', jobLogs:
    | { __typename: 'InvalidInputError', field: string, message: string }
    | { __typename: 'JobLogs', source: LogSource, truncated: boolean, pods: Array<{ __typename?: 'PodLogs', cluster: string, pod: string, container: string, text: string, lineCount: number, truncated: boolean }> }
    | { __typename: 'UnavailableError', message: string }
   };

export type ConsoleJobLogStreamSubscriptionVariables = Exact<{
  id: Scalars['ID']['input'];
  pod?: InputMaybe<Scalars['String']['input']>;
}>;


export type ConsoleJobLogStreamSubscription = { __typename?: 'Subscription', jobLogStream:
    | { __typename: 'JobLogLine', cluster: string, pod: string, container: string, line: string }
    | { __typename: 'LogStreamError', message: string }
   };

export type ConsoleStopJobMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ConsoleStopJobMutation = { __typename?: 'Mutation', stopJob:
    | { __typename: 'InvalidStateError', message: string }
    | { __typename: 'StopJobSuccess', job: { __typename?: 'Job', id: string, jobName: string, namespace: string, algorithm: string, phase: JobPhase, reason: JobReason, message: string, kind: WorkloadKind, priority: number, clusters: Array<string>, targetClusters: Array<string>, createdAt: string, updatedAt: string, startTime?: string | null, completionTime?: string | null } }
    | { __typename: 'UnavailableError', message: string }
   };

export type ConsoleRetryJobMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  overrides?: InputMaybe<Scalars['JSON']['input']>;
}>;


export type ConsoleRetryJobMutation = { __typename?: 'Mutation', retryJob:
    | { __typename: 'CreateJobSuccess', job: { __typename?: 'Job', id: string, jobName: string, namespace: string, algorithm: string, phase: JobPhase, reason: JobReason, message: string, kind: WorkloadKind, priority: number, clusters: Array<string>, targetClusters: Array<string>, createdAt: string, updatedAt: string, startTime?: string | null, completionTime?: string | null } }
    | { __typename: 'InvalidInputError', field: string, message: string }
   };

export type ConsoleDeleteJobMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ConsoleDeleteJobMutation = { __typename?: 'Mutation', deleteJob: { __typename: 'DeleteJobSuccess', id: string, message: string } };

export type ConsoleCreateJobMutationVariables = Exact<{
  input: CreateJobInput;
}>;


export type ConsoleCreateJobMutation = { __typename?: 'Mutation', createJob:
    | { __typename: 'CreateJobSuccess', job: { __typename?: 'Job', id: string, jobName: string, namespace: string, algorithm: string, phase: JobPhase, reason: JobReason, message: string, kind: WorkloadKind, priority: number, clusters: Array<string>, targetClusters: Array<string>, createdAt: string, updatedAt: string, startTime?: string | null, completionTime?: string | null } }
    | { __typename: 'InvalidInputError', field: string, message: string }
   };

export type ConsoleAlgorithmsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleAlgorithmsQuery = { __typename?: 'Query', algorithms: Array<{ __typename?: 'Algorithm', name: string, source: string, workloadKind: WorkloadKind, description: string, parameters: Array<{ __typename?: 'AlgorithmParameter', name: string, type: ParameterType, default?: unknown | null, minimum?: number | null, maximum?: number | null, choices: Array<string>, allowsAuto: boolean, description: string, required: boolean }> }>, clusters: Array<{ __typename?: 'Cluster', name: string, ready: boolean, workloadKinds: Array<string> }> };

export type ConsoleClustersQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleClustersQuery = { __typename?: 'Query', clusters: Array<{ __typename?: 'Cluster', name: string, ready: boolean, readyReason?: string | null, region?: string | null, zones: Array<string>, provider?: string | null, kubernetesVersion?: string | null, workloadKinds: Array<string>, nodesReady: number, nodesTotal: number, allocatable?: { __typename?: 'ResourceAmounts', cpu: number, memoryBytes: number, gpus: number, pods: number } | null, allocated?: { __typename?: 'ResourceAmounts', cpu: number, memoryBytes: number, gpus: number, pods: number } | null, jobs: Array<{ __typename?: 'Job', id: string, jobName: string, namespace: string, phase: JobPhase }> }> };

export const JobRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"JobRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Job"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"jobName"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"algorithm"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"}},{"kind":"Field","name":{"kind":"Name","value":"targetClusters"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startTime"}},{"kind":"Field","name":{"kind":"Name","value":"completionTime"}}]}}]} as unknown as DocumentNode<JobRowFragment, unknown>;
export const JobEventFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"JobEventFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JobEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"fromPhase"}},{"kind":"Field","name":{"kind":"Name","value":"toPhase"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"cluster"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}}]}}]} as unknown as DocumentNode<JobEventFieldsFragment, unknown>;
export const ConsoleJobsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleJobs"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JobFilterInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JobOrderInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"JobRow"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"JobRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Job"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"jobName"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"algorithm"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"}},{"kind":"Field","name":{"kind":"Name","value":"targetClusters"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startTime"}},{"kind":"Field","name":{"kind":"Name","value":"completionTime"}}]}}]} as unknown as DocumentNode<ConsoleJobsQuery, ConsoleJobsQueryVariables>;
export const ConsolePhaseCountsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsolePhaseCounts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"pending"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JobFilterInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"running"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JobFilterInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"succeeded"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JobFilterInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"failed"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JobFilterInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"stopping"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JobFilterInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"stopped"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JobFilterInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"deleting"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JobFilterInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"pending"},"name":{"kind":"Name","value":"jobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"pending"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"running"},"name":{"kind":"Name","value":"jobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"running"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"succeeded"},"name":{"kind":"Name","value":"jobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"succeeded"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"failed"},"name":{"kind":"Name","value":"jobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"failed"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"stopping"},"name":{"kind":"Name","value":"jobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"stopping"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"stopped"},"name":{"kind":"Name","value":"jobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"stopped"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"deleting"},"name":{"kind":"Name","value":"jobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"deleting"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<ConsolePhaseCountsQuery, ConsolePhaseCountsQueryVariables>;
export const ConsoleJobUpdatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleJobUpdates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JobUpdatesFilterInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobUpdates"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobId"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"job"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"JobRow"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"JobRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Job"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"jobName"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"algorithm"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"}},{"kind":"Field","name":{"kind":"Name","value":"targetClusters"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startTime"}},{"kind":"Field","name":{"kind":"Name","value":"completionTime"}}]}}]} as unknown as DocumentNode<ConsoleJobUpdatesSubscription, ConsoleJobUpdatesSubscriptionVariables>;
export const ConsoleJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"job"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"JobRow"}},{"kind":"Field","name":{"kind":"Name","value":"objectName"}},{"kind":"Field","name":{"kind":"Name","value":"request"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"succeeded"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"statusConfirmedAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"stoppedBy"}},{"kind":"Field","name":{"kind":"Name","value":"logsArchivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"workloadDeletedAt"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}},{"kind":"Field","name":{"kind":"Name","value":"events"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1000"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"JobEventFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"JobRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Job"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"jobName"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"algorithm"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"}},{"kind":"Field","name":{"kind":"Name","value":"targetClusters"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startTime"}},{"kind":"Field","name":{"kind":"Name","value":"completionTime"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"JobEventFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JobEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"fromPhase"}},{"kind":"Field","name":{"kind":"Name","value":"toPhase"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"cluster"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}}]}}]} as unknown as DocumentNode<ConsoleJobQuery, ConsoleJobQueryVariables>;
export const ConsoleJobStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleJobStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"afterSequence"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobStatus"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"afterSequence"},"value":{"kind":"Variable","name":{"kind":"Name","value":"afterSequence"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobId"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"job"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"JobRow"}},{"kind":"Field","name":{"kind":"Name","value":"attempt"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"JobRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Job"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"jobName"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"algorithm"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"}},{"kind":"Field","name":{"kind":"Name","value":"targetClusters"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startTime"}},{"kind":"Field","name":{"kind":"Name","value":"completionTime"}}]}}]} as unknown as DocumentNode<ConsoleJobStatusSubscription, ConsoleJobStatusSubscriptionVariables>;
export const ConsoleJobEventsAfterDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleJobEventsAfter"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"afterSequence"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"afterSequence"},"value":{"kind":"Variable","name":{"kind":"Name","value":"afterSequence"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1000"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"JobEventFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"JobEventFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JobEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"fromPhase"}},{"kind":"Field","name":{"kind":"Name","value":"toPhase"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"cluster"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}}]}}]} as unknown as DocumentNode<ConsoleJobEventsAfterQuery, ConsoleJobEventsAfterQueryVariables>;
export const ConsoleJobLogsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleJobLogs"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"pod"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"attempt"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobLogs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"pod"},"value":{"kind":"Variable","name":{"kind":"Name","value":"pod"}}},{"kind":"Argument","name":{"kind":"Name","value":"attempt"},"value":{"kind":"Variable","name":{"kind":"Name","value":"attempt"}}},{"kind":"Argument","name":{"kind":"Name","value":"tailLines"},"value":{"kind":"IntValue","value":"2000"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JobLogs"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"truncated"}},{"kind":"Field","name":{"kind":"Name","value":"pods"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cluster"}},{"kind":"Field","name":{"kind":"Name","value":"pod"}},{"kind":"Field","name":{"kind":"Name","value":"container"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"lineCount"}},{"kind":"Field","name":{"kind":"Name","value":"truncated"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidInputError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UnavailableError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleJobLogsQuery, ConsoleJobLogsQueryVariables>;
export const ConsoleJobLogStreamDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleJobLogStream"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"pod"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobLogStream"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"pod"},"value":{"kind":"Variable","name":{"kind":"Name","value":"pod"}}},{"kind":"Argument","name":{"kind":"Name","value":"tailLines"},"value":{"kind":"IntValue","value":"200"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"JobLogLine"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cluster"}},{"kind":"Field","name":{"kind":"Name","value":"pod"}},{"kind":"Field","name":{"kind":"Name","value":"container"}},{"kind":"Field","name":{"kind":"Name","value":"line"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LogStreamError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleJobLogStreamSubscription, ConsoleJobLogStreamSubscriptionVariables>;
export const ConsoleStopJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleStopJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stopJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StopJobSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"job"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"JobRow"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidStateError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UnavailableError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"JobRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Job"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"jobName"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"algorithm"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"}},{"kind":"Field","name":{"kind":"Name","value":"targetClusters"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startTime"}},{"kind":"Field","name":{"kind":"Name","value":"completionTime"}}]}}]} as unknown as DocumentNode<ConsoleStopJobMutation, ConsoleStopJobMutationVariables>;
export const ConsoleRetryJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRetryJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"overrides"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JSON"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"overrides"},"value":{"kind":"Variable","name":{"kind":"Name","value":"overrides"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateJobSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"job"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"JobRow"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidInputError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"JobRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Job"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"jobName"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"algorithm"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"}},{"kind":"Field","name":{"kind":"Name","value":"targetClusters"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startTime"}},{"kind":"Field","name":{"kind":"Name","value":"completionTime"}}]}}]} as unknown as DocumentNode<ConsoleRetryJobMutation, ConsoleRetryJobMutationVariables>;
export const ConsoleDeleteJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleDeleteJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteJobSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleDeleteJobMutation, ConsoleDeleteJobMutationVariables>;
export const ConsoleCreateJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleCreateJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateJobSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"job"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"JobRow"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidInputError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"JobRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Job"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"jobName"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"algorithm"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"clusters"}},{"kind":"Field","name":{"kind":"Name","value":"targetClusters"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startTime"}},{"kind":"Field","name":{"kind":"Name","value":"completionTime"}}]}}]} as unknown as DocumentNode<ConsoleCreateJobMutation, ConsoleCreateJobMutationVariables>;
export const ConsoleAlgorithmsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleAlgorithms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"algorithms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"workloadKind"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"parameters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"default"}},{"kind":"Field","name":{"kind":"Name","value":"minimum"}},{"kind":"Field","name":{"kind":"Name","value":"maximum"}},{"kind":"Field","name":{"kind":"Name","value":"choices"}},{"kind":"Field","name":{"kind":"Name","value":"allowsAuto"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"required"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"clusters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"ready"}},{"kind":"Field","name":{"kind":"Name","value":"workloadKinds"}}]}}]}}]} as unknown as DocumentNode<ConsoleAlgorithmsQuery, ConsoleAlgorithmsQueryVariables>;
export const ConsoleClustersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleClusters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"ready"}},{"kind":"Field","name":{"kind":"Name","value":"readyReason"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"zones"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"kubernetesVersion"}},{"kind":"Field","name":{"kind":"Name","value":"workloadKinds"}},{"kind":"Field","name":{"kind":"Name","value":"nodesReady"}},{"kind":"Field","name":{"kind":"Name","value":"nodesTotal"}},{"kind":"Field","name":{"kind":"Name","value":"allocatable"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cpu"}},{"kind":"Field","name":{"kind":"Name","value":"memoryBytes"}},{"kind":"Field","name":{"kind":"Name","value":"gpus"}},{"kind":"Field","name":{"kind":"Name","value":"pods"}}]}},{"kind":"Field","name":{"kind":"Name","value":"allocated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cpu"}},{"kind":"Field","name":{"kind":"Name","value":"memoryBytes"}},{"kind":"Field","name":{"kind":"Name","value":"gpus"}},{"kind":"Field","name":{"kind":"Name","value":"pods"}}]}},{"kind":"Field","name":{"kind":"Name","value":"jobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"activeOnly"},"value":{"kind":"BooleanValue","value":false}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"jobName"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleClustersQuery, ConsoleClustersQueryVariables>;