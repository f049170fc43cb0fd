/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment JobRow on Job {\n    id\n    jobName\n    namespace\n    algorithm\n    phase\n    reason\n    message\n    kind\n    priority\n    clusters\n    targetClusters\n    createdAt\n    updatedAt\n    startTime\n    completionTime\n  }\n": typeof types.JobRowFragmentDoc,
    "\n  query ConsoleJobs($filter: JobFilterInput, $first: Int!, $after: String, $orderBy: JobOrderInput) {\n    jobs(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...JobRow\n      }\n    }\n  }\n": typeof types.ConsoleJobsDocument,
    "\n  query ConsolePhaseCounts($pending: JobFilterInput, $running: JobFilterInput, $succeeded: JobFilterInput, $failed: JobFilterInput, $stopping: JobFilterInput, $stopped: JobFilterInput, $deleting: JobFilterInput) {\n    pending: jobs(filter: $pending, first: 1) {\n      totalCount\n    }\n    running: jobs(filter: $running, first: 1) {\n      totalCount\n    }\n    succeeded: jobs(filter: $succeeded, first: 1) {\n      totalCount\n    }\n    failed: jobs(filter: $failed, first: 1) {\n      totalCount\n    }\n    stopping: jobs(filter: $stopping, first: 1) {\n      totalCount\n    }\n    stopped: jobs(filter: $stopped, first: 1) {\n      totalCount\n    }\n    deleting: jobs(filter: $deleting, first: 1) {\n      totalCount\n    }\n  }\n": typeof types.ConsolePhaseCountsDocument,
    "\n  subscription ConsoleJobUpdates($filter: JobUpdatesFilterInput) {\n    jobUpdates(filter: $filter) {\n      jobId\n      phase\n      reason\n      message\n      sequence\n      at\n      deleted\n      job {\n        ...JobRow\n      }\n    }\n  }\n": typeof types.ConsoleJobUpdatesDocument,
    "\n  query ConsoleJob($id: ID!) {\n    job(id: $id) {\n      ...JobRow\n      objectName\n      request\n      active\n      succeeded\n      failed\n      statusConfirmedAt\n      createdBy\n      stoppedBy\n      logsArchivedAt\n      workloadDeletedAt\n      attempt\n      events(first: 1000) {\n        ...JobEventFields\n      }\n    }\n  }\n": typeof types.ConsoleJobDocument,
    "\n  fragment JobEventFields on JobEvent {\n    sequence\n    at\n    fromPhase\n    toPhase\n    reason\n    message\n    cluster\n    actor\n  }\n": typeof types.JobEventFieldsFragmentDoc,
    "\n  subscription ConsoleJobStatus($id: ID!, $afterSequence: Int) {\n    jobStatus(id: $id, afterSequence: $afterSequence) {\n      jobId\n      phase\n      reason\n      message\n      sequence\n      at\n      deleted\n      job {\n        ...JobRow\n        attempt\n      }\n    }\n  }\n": typeof types.ConsoleJobStatusDocument,
    "\n  query ConsoleJobEventsAfter($id: ID!, $afterSequence: Int!) {\n    jobEvents(id: $id, afterSequence: $afterSequence, first: 1000) {\n      ...JobEventFields\n    }\n  }\n": typeof types.ConsoleJobEventsAfterDocument,
    "\n  query ConsoleJobLogs($id: ID!, $pod: String, $attempt: Int) {\n    jobLogs(id: $id, pod: $pod, attempt: $attempt, tailLines: 2000) {\n      __typename\n      ... on JobLogs {\n        source\n        truncated\n        pods {\n          cluster\n          pod\n          container\n          text\n          lineCount\n          truncated\n        }\n      }\n      ... on InvalidInputError {\n        field\n        message\n      }\n      ... on UnavailableError {\n        message\n      }\n    }\n  }\n": typeof types.ConsoleJobLogsDocument,
    "\n  subscription ConsoleJobLogStream($id: ID!, $pod: String) {\n    jobLogStream(id: $id, pod: $pod, tailLines: 200) {\n      __typename\n      ... on JobLogLine {\n        cluster\n        pod\n        container\n        line\n      }\n      ... on LogStreamError {\n        message\n      }\n    }\n  }\n": typeof types.ConsoleJobLogStreamDocument,
    "\n  mutation ConsoleStopJob($id: ID!) {\n    stopJob(id: $id) {\n      __typename\n      ... on StopJobSuccess {\n        job {\n          ...JobRow\n        }\n      }\n      ... on InvalidStateError {\n        message\n      }\n      ... on UnavailableError {\n        message\n      }\n    }\n  }\n": typeof types.ConsoleStopJobDocument,
    "\n  mutation ConsoleRetryJob($id: ID!, $overrides: JSON) {\n    retryJob(id: $id, overrides: $overrides) {\n      __typename\n      ... on CreateJobSuccess {\n        job {\n          ...JobRow\n        }\n      }\n      ... on InvalidInputError {\n        field\n        message\n      }\n    }\n  }\n": typeof types.ConsoleRetryJobDocument,
    "\n  mutation ConsoleDeleteJob($id: ID!) {\n    deleteJob(id: $id) {\n      __typename\n      ... on DeleteJobSuccess {\n        id\n        message\n      }\n    }\n  }\n": typeof types.ConsoleDeleteJobDocument,
    "\n  mutation ConsoleCreateJob($input: CreateJobInput!) {\n    createJob(input: $input) {\n      __typename\n      ... on CreateJobSuccess {\n        job {\n          ...JobRow\n        }\n      }\n      ... on InvalidInputError {\n        field\n        message\n      }\n    }\n  }\n": typeof types.ConsoleCreateJobDocument,
    "\n  query ConsoleAlgorithms {\n    algorithms {\n      name\n      source\n      workloadKind\n      description\n      parameters {\n        name\n        type\n        default\n        minimum\n        maximum\n        choices\n        allowsAuto\n        description\n        required\n      }\n    }\n    clusters {\n      name\n      ready\n      workloadKinds\n    }\n  }\n": typeof types.ConsoleAlgorithmsDocument,
    "\n  query ConsoleClusters {\n    clusters {\n      name\n      ready\n      readyReason\n      region\n      zones\n      provider\n      kubernetesVersion\n      workloadKinds\n      nodesReady\n      nodesTotal\n      allocatable {\n        cpu\n        memoryBytes\n        gpus\n        pods\n      }\n      allocated {\n        cpu\n        memoryBytes\n        gpus\n        pods\n      }\n      jobs(activeOnly: false, first: 20) {\n        id\n        jobName\n        namespace\n        phase\n      }\n    }\n  }\n": typeof types.ConsoleClustersDocument,
};
const documents: Documents = {
    "\n  fragment JobRow on Job {\n    id\n    jobName\n    namespace\n    algorithm\n    phase\n    reason\n    message\n    kind\n    priority\n    clusters\n    targetClusters\n    createdAt\n    updatedAt\n    startTime\n    completionTime\n  }\n": types.JobRowFragmentDoc,
    "\n  query ConsoleJobs($filter: JobFilterInput, $first: Int!, $after: String, $orderBy: JobOrderInput) {\n    jobs(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...JobRow\n      }\n    }\n  }\n": types.ConsoleJobsDocument,
    "\n  query ConsolePhaseCounts($pending: JobFilterInput, $running: JobFilterInput, $succeeded: JobFilterInput, $failed: JobFilterInput, $stopping: JobFilterInput, $stopped: JobFilterInput, $deleting: JobFilterInput) {\n    pending: jobs(filter: $pending, first: 1) {\n      totalCount\n    }\n    running: jobs(filter: $running, first: 1) {\n      totalCount\n    }\n    succeeded: jobs(filter: $succeeded, first: 1) {\n      totalCount\n    }\n    failed: jobs(filter: $failed, first: 1) {\n      totalCount\n    }\n    stopping: jobs(filter: $stopping, first: 1) {\n      totalCount\n    }\n    stopped: jobs(filter: $stopped, first: 1) {\n      totalCount\n    }\n    deleting: jobs(filter: $deleting, first: 1) {\n      totalCount\n    }\n  }\n": types.ConsolePhaseCountsDocument,
    "\n  subscription ConsoleJobUpdates($filter: JobUpdatesFilterInput) {\n    jobUpdates(filter: $filter) {\n      jobId\n      phase\n      reason\n      message\n      sequence\n      at\n      deleted\n      job {\n        ...JobRow\n      }\n    }\n  }\n": types.ConsoleJobUpdatesDocument,
    "\n  query ConsoleJob($id: ID!) {\n    job(id: $id) {\n      ...JobRow\n      objectName\n      request\n      active\n      succeeded\n      failed\n      statusConfirmedAt\n      createdBy\n      stoppedBy\n      logsArchivedAt\n      workloadDeletedAt\n      attempt\n      events(first: 1000) {\n        ...JobEventFields\n      }\n    }\n  }\n": types.ConsoleJobDocument,
    "\n  fragment JobEventFields on JobEvent {\n    sequence\n    at\n    fromPhase\n    toPhase\n    reason\n    message\n    cluster\n    actor\n  }\n": types.JobEventFieldsFragmentDoc,
    "\n  subscription ConsoleJobStatus($id: ID!, $afterSequence: Int) {\n    jobStatus(id: $id, afterSequence: $afterSequence) {\n      jobId\n      phase\n      reason\n      message\n      sequence\n      at\n      deleted\n      job {\n        ...JobRow\n        attempt\n      }\n    }\n  }\n": types.ConsoleJobStatusDocument,
    "\n  query ConsoleJobEventsAfter($id: ID!, $afterSequence: Int!) {\n    jobEvents(id: $id, afterSequence: $afterSequence, first: 1000) {\n      ...JobEventFields\n    }\n  }\n": types.ConsoleJobEventsAfterDocument,
    "\n  query ConsoleJobLogs($id: ID!, $pod: String, $attempt: Int) {\n    jobLogs(id: $id, pod: $pod, attempt: $attempt, tailLines: 2000) {\n      __typename\n      ... on JobLogs {\n        source\n        truncated\n        pods {\n          cluster\n          pod\n          container\n          text\n          lineCount\n          truncated\n        }\n      }\n      ... on InvalidInputError {\n        field\n        message\n      }\n      ... on UnavailableError {\n        message\n      }\n    }\n  }\n": types.ConsoleJobLogsDocument,
    "\n  subscription ConsoleJobLogStream($id: ID!, $pod: String) {\n    jobLogStream(id: $id, pod: $pod, tailLines: 200) {\n      __typename\n      ... on JobLogLine {\n        cluster\n        pod\n        container\n        line\n      }\n      ... on LogStreamError {\n        message\n      }\n    }\n  }\n": types.ConsoleJobLogStreamDocument,
    "\n  mutation ConsoleStopJob($id: ID!) {\n    stopJob(id: $id) {\n      __typename\n      ... on StopJobSuccess {\n        job {\n          ...JobRow\n        }\n      }\n      ... on InvalidStateError {\n        message\n      }\n      ... on UnavailableError {\n        message\n      }\n    }\n  }\n": types.ConsoleStopJobDocument,
    "\n  mutation ConsoleRetryJob($id: ID!, $overrides: JSON) {\n    retryJob(id: $id, overrides: $overrides) {\n      __typename\n      ... on CreateJobSuccess {\n        job {\n          ...JobRow\n        }\n      }\n      ... on InvalidInputError {\n        field\n        message\n      }\n    }\n  }\n": types.ConsoleRetryJobDocument,
    "\n  mutation ConsoleDeleteJob($id: ID!) {\n    deleteJob(id: $id) {\n      __typename\n      ... on DeleteJobSuccess {\n        id\n        message\n      }\n    }\n  }\n": types.ConsoleDeleteJobDocument,
    "\n  mutation ConsoleCreateJob($input: CreateJobInput!) {\n    createJob(input: $input) {\n      __typename\n      ... on CreateJobSuccess {\n        job {\n          ...JobRow\n        }\n      }\n      ... on InvalidInputError {\n        field\n        message\n      }\n    }\n  }\n": types.ConsoleCreateJobDocument,
    "\n  query ConsoleAlgorithms {\n    algorithms {\n      name\n      source\n      workloadKind\n      description\n      parameters {\n        name\n        type\n        default\n        minimum\n        maximum\n        choices\n        allowsAuto\n        description\n        required\n      }\n    }\n    clusters {\n      name\n      ready\n      workloadKinds\n    }\n  }\n": types.ConsoleAlgorithmsDocument,
    "\n  query ConsoleClusters {\n    clusters {\n      name\n      ready\n      readyReason\n      region\n      zones\n      provider\n      kubernetesVersion\n      workloadKinds\n      nodesReady\n      nodesTotal\n      allocatable {\n        cpu\n        memoryBytes\n        gpus\n        pods\n      }\n      allocated {\n        cpu\n        memoryBytes\n        gpus\n        pods\n      }\n      jobs(activeOnly: false, first: 20) {\n        id\n        jobName\n        namespace\n        phase\n      }\n    }\n  }\n": types.ConsoleClustersDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobRow on Job {\n    id\n    jobName\n    namespace\n    algorithm\n    phase\n    reason\n    message\n    kind\n    priority\n    clusters\n    targetClusters\n    createdAt\n    updatedAt\n    startTime\n    completionTime\n  }\n"): (typeof documents)["\n  fragment JobRow on Job {\n    id\n    jobName\n    namespace\n    algorithm\n    phase\n    reason\n    message\n    kind\n    priority\n    clusters\n    targetClusters\n    createdAt\n    updatedAt\n    startTime\n    completionTime\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleJobs($filter: JobFilterInput, $first: Int!, $after: String, $orderBy: JobOrderInput) {\n    jobs(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...JobRow\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleJobs($filter: JobFilterInput, $first: Int!, $after: String, $orderBy: JobOrderInput) {\n    jobs(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...JobRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePhaseCounts($pending: JobFilterInput, $running: JobFilterInput, $succeeded: JobFilterInput, $failed: JobFilterInput, $stopping: JobFilterInput, $stopped: JobFilterInput, $deleting: JobFilterInput) {\n    pending: jobs(filter: $pending, first: 1) {\n      totalCount\n    }\n    running: jobs(filter: $running, first: 1) {\n      totalCount\n    }\n    succeeded: jobs(filter: $succeeded, first: 1) {\n      totalCount\n    }\n    failed: jobs(filter: $failed, first: 1) {\n      totalCount\n    }\n    stopping: jobs(filter: $stopping, first: 1) {\n      totalCount\n    }\n    stopped: jobs(filter: $stopped, first: 1) {\n      totalCount\n    }\n    deleting: jobs(filter: $deleting, first: 1) {\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query ConsolePhaseCounts($pending: JobFilterInput, $running: JobFilterInput, $succeeded: JobFilterInput, $failed: JobFilterInput, $stopping: JobFilterInput, $stopped: JobFilterInput, $deleting: JobFilterInput) {\n    pending: jobs(filter: $pending, first: 1) {\n      totalCount\n    }\n    running: jobs(filter: $running, first: 1) {\n      totalCount\n    }\n    succeeded: jobs(filter: $succeeded, first: 1) {\n      totalCount\n    }\n    failed: jobs(filter: $failed, first: 1) {\n      totalCount\n    }\n    stopping: jobs(filter: $stopping, first: 1) {\n      totalCount\n    }\n    stopped: jobs(filter: $stopped, first: 1) {\n      totalCount\n    }\n    deleting: jobs(filter: $deleting, first: 1) {\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleJobUpdates($filter: JobUpdatesFilterInput) {\n    jobUpdates(filter: $filter) {\n      jobId\n      phase\n      reason\n      message\n      sequence\n      at\n      deleted\n      job {\n        ...JobRow\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ConsoleJobUpdates($filter: JobUpdatesFilterInput) {\n    jobUpdates(filter: $filter) {\n      jobId\n      phase\n      reason\n      message\n      sequence\n      at\n      deleted\n      job {\n        ...JobRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleJob($id: ID!) {\n    job(id: $id) {\n      ...JobRow\n      objectName\n      request\n      active\n      succeeded\n      failed\n      statusConfirmedAt\n      createdBy\n      stoppedBy\n      logsArchivedAt\n      workloadDeletedAt\n      attempt\n      events(first: 1000) {\n        ...JobEventFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleJob($id: ID!) {\n    job(id: $id) {\n      ...JobRow\n      objectName\n      request\n      active\n      succeeded\n      failed\n      statusConfirmedAt\n      createdBy\n      stoppedBy\n      logsArchivedAt\n      workloadDeletedAt\n      attempt\n      events(first: 1000) {\n        ...JobEventFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobEventFields on JobEvent {\n    sequence\n    at\n    fromPhase\n    toPhase\n    reason\n    message\n    cluster\n    actor\n  }\n"): (typeof documents)["\n  fragment JobEventFields on JobEvent {\n    sequence\n    at\n    fromPhase\n    toPhase\n    reason\n    message\n    cluster\n    actor\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleJobStatus($id: ID!, $afterSequence: Int) {\n    jobStatus(id: $id, afterSequence: $afterSequence) {\n      jobId\n      phase\n      reason\n      message\n      sequence\n      at\n      deleted\n      job {\n        ...JobRow\n        attempt\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ConsoleJobStatus($id: ID!, $afterSequence: Int) {\n    jobStatus(id: $id, afterSequence: $afterSequence) {\n      jobId\n      phase\n      reason\n      message\n      sequence\n      at\n      deleted\n      job {\n        ...JobRow\n        attempt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleJobEventsAfter($id: ID!, $afterSequence: Int!) {\n    jobEvents(id: $id, afterSequence: $afterSequence, first: 1000) {\n      ...JobEventFields\n    }\n  }\n"): (typeof documents)["\n  query ConsoleJobEventsAfter($id: ID!, $afterSequence: Int!) {\n    jobEvents(id: $id, afterSequence: $afterSequence, first: 1000) {\n      ...JobEventFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleJobLogs($id: ID!, $pod: String, $attempt: Int) {\n    jobLogs(id: $id, pod: $pod, attempt: $attempt, tailLines: 2000) {\n      __typename\n      ... on JobLogs {\n        source\n        truncated\n        pods {\n          cluster\n          pod\n          container\n          text\n          lineCount\n          truncated\n        }\n      }\n      ... on InvalidInputError {\n        field\n        message\n      }\n      ... on UnavailableError {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleJobLogs($id: ID!, $pod: String, $attempt: Int) {\n    jobLogs(id: $id, pod: $pod, attempt: $attempt, tailLines: 2000) {\n      __typename\n      ... on JobLogs {\n        source\n        truncated\n        pods {\n          cluster\n          pod\n          container\n          text\n          lineCount\n          truncated\n        }\n      }\n      ... on InvalidInputError {\n        field\n        message\n      }\n      ... on UnavailableError {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleJobLogStream($id: ID!, $pod: String) {\n    jobLogStream(id: $id, pod: $pod, tailLines: 200) {\n      __typename\n      ... on JobLogLine {\n        cluster\n        pod\n        container\n        line\n      }\n      ... on LogStreamError {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ConsoleJobLogStream($id: ID!, $pod: String) {\n    jobLogStream(id: $id, pod: $pod, tailLines: 200) {\n      __typename\n      ... on JobLogLine {\n        cluster\n        pod\n        container\n        line\n      }\n      ... on LogStreamError {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleStopJob($id: ID!) {\n    stopJob(id: $id) {\n      __typename\n      ... on StopJobSuccess {\n        job {\n          ...JobRow\n        }\n      }\n      ... on InvalidStateError {\n        message\n      }\n      ... on UnavailableError {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleStopJob($id: ID!) {\n    stopJob(id: $id) {\n      __typename\n      ... on StopJobSuccess {\n        job {\n          ...JobRow\n        }\n      }\n      ... on InvalidStateError {\n        message\n      }\n      ... on UnavailableError {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRetryJob($id: ID!, $overrides: JSON) {\n    retryJob(id: $id, overrides: $overrides) {\n      __typename\n      ... on CreateJobSuccess {\n        job {\n          ...JobRow\n        }\n      }\n      ... on InvalidInputError {\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleRetryJob($id: ID!, $overrides: JSON) {\n    retryJob(id: $id, overrides: $overrides) {\n      __typename\n      ... on CreateJobSuccess {\n        job {\n          ...JobRow\n        }\n      }\n      ... on InvalidInputError {\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleDeleteJob($id: ID!) {\n    deleteJob(id: $id) {\n      __typename\n      ... on DeleteJobSuccess {\n        id\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleDeleteJob($id: ID!) {\n    deleteJob(id: $id) {\n      __typename\n      ... on DeleteJobSuccess {\n        id\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCreateJob($input: CreateJobInput!) {\n    createJob(input: $input) {\n      __typename\n      ... on CreateJobSuccess {\n        job {\n          ...JobRow\n        }\n      }\n      ... on InvalidInputError {\n        field\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleCreateJob($input: CreateJobInput!) {\n    createJob(input: $input) {\n      __typename\n      ... on CreateJobSuccess {\n        job {\n          ...JobRow\n        }\n      }\n      ... on InvalidInputError {\n        field\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleAlgorithms {\n    algorithms {\n      name\n      source\n      workloadKind\n      description\n      parameters {\n        name\n        type\n        default\n        minimum\n        maximum\n        choices\n        allowsAuto\n        description\n        required\n      }\n    }\n    clusters {\n      name\n      ready\n      workloadKinds\n    }\n  }\n"): (typeof documents)["\n  query ConsoleAlgorithms {\n    algorithms {\n      name\n      source\n      workloadKind\n      description\n      parameters {\n        name\n        type\n        default\n        minimum\n        maximum\n        choices\n        allowsAuto\n        description\n        required\n      }\n    }\n    clusters {\n      name\n      ready\n      workloadKinds\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleClusters {\n    clusters {\n      name\n      ready\n      readyReason\n      region\n      zones\n      provider\n      kubernetesVersion\n      workloadKinds\n      nodesReady\n      nodesTotal\n      allocatable {\n        cpu\n        memoryBytes\n        gpus\n        pods\n      }\n      allocated {\n        cpu\n        memoryBytes\n        gpus\n        pods\n      }\n      jobs(activeOnly: false, first: 20) {\n        id\n        jobName\n        namespace\n        phase\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleClusters {\n    clusters {\n      name\n      ready\n      readyReason\n      region\n      zones\n      provider\n      kubernetesVersion\n      workloadKinds\n      nodesReady\n      nodesTotal\n      allocatable {\n        cpu\n        memoryBytes\n        gpus\n        pods\n      }\n      allocated {\n        cpu\n        memoryBytes\n        gpus\n        pods\n      }\n      jobs(activeOnly: false, first: 20) {\n        id\n        jobName\n        namespace\n        phase\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;