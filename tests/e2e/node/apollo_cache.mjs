// Apollo Client as a React app configures it (HttpLink + GraphQLWsLink over graphql-ws,
// InMemoryCache), with no cache code of ours: does a jobStatus update reach the cached Job?
//
// usage: node apollo_cache.mjs <http-url> <ws-url> <job-id>
//
// Writes JSON lines: {"queried": <Job>} after the job query (which puts the Job in the
// cache), {"update": <jobStatus payload>} per update, and at completion
// {"cached": <Job as cache.readFragment reads it>}; exits 0, or 1 with {"error": ...}.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [httpUrl, wsUrl, jobId] = process.argv.slice(2);
if (!httpUrl || !wsUrl || !jobId) {
  process.stderr.write('usage: node apollo_cache.mjs <http-url> <ws-url> <job-id>\n');
  process.exit(2);
}

const JOB_FIELDS = gql`
  fragment JobState on Job { id phase reason message updatedAt }
`;
const JOB = gql`
  query Job($id: ID!) { job(id: $id) { ...JobState } }
  ${JOB_FIELDS}
`;
const STATUS = gql`
  subscription Status($id: ID!) {
    jobStatus(id: $id) { sequence phase job { ...JobState } }
  }
  ${JOB_FIELDS}
`;

const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const wsClient = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
const cache = new InMemoryCache();
const client = new ApolloClient({
  cache,
  // Queries over HTTP, the subscription over the websocket: the usual split, by hand.
  link: ApolloLink.split(
    ({ query }) => query.definitions.some(
      (d) => d.kind === 'OperationDefinition' && d.operation === 'subscription'),
    new GraphQLWsLink(wsClient),
    new HttpLink({ uri: httpUrl }),
  ),
});

async function main() {
  const { data } = await client.query({ query: JOB, variables: { id: jobId } });
  emit({ queried: data.job });
  await new Promise((resolve, reject) => {
    client.subscribe({ query: STATUS, variables: { id: jobId } }).subscribe({
      next: (result) => {
        if (result.error) reject(result.error);
        else emit({ update: result.data.jobStatus });
      },
      error: reject,
      complete: resolve,
    });
  });
  const cached = cache.readFragment({
    id: cache.identify({ __typename: 'Job', id: jobId }),
    fragment: JOB_FIELDS,
  });
  emit({ cached });
}

main().then(
  async () => { await wsClient.dispose(); process.exit(0); },
  async (err) => {
    emit({ error: { message: String(err && err.message ? err.message : err) } });
    await wsClient.dispose();
    process.exit(1);
  },
);
