// Apollo Client: queries and mutations over HTTP, subscriptions over graphql-ws, the token in
// `Authorization` and in `connection_init`.
import { ApolloClient, HttpLink, InMemoryCache, split } from "@apollo/client";
import { onError } from "@apollo/client/link/error";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { createClient, type Client } from "graphql-ws";
import { connectionState, setConnection } from "./connection";
import { authHeaders } from "./session";

/** Close codes after which reconnecting with the same token is pointless. */
const SIGNED_OUT_CODES = new Set([4401, 4403]);

export interface ConsoleClient {
  apollo: ApolloClient<unknown>;
  ws: Client;
}

export function createConsoleClient(token: string | null, onSignedOut: (why: string) => void): ConsoleClient {
  const wsUrl = `${window.location.protocol === "https:" ? "wss" : "ws"}://${window.location.host}/graphql`;
  let everConnected = false;
  const ws = createClient({
    url: wsUrl,
    connectionParams: () => authHeaders(token),
    lazy: false,
    retryAttempts: Number.POSITIVE_INFINITY,
    retryWait: async (retries) => {
      await new Promise((r) => setTimeout(r, Math.min(5000, 300 * 2 ** Math.min(retries, 4))));
    },
    shouldRetry: (event) => {
      const code = (event as { code?: number } | undefined)?.code;
      if (code !== undefined && SIGNED_OUT_CODES.has(code)) {
        setConnection({ status: "signedOut" });
        onSignedOut("The server closed the live connection: your token is no longer valid.");
        return false;
      }
      return true;
    },
    on: {
      connecting: () => {
        if (connectionState().status !== "signedOut") {
          setConnection({ status: everConnected ? "reconnecting" : "connecting" });
        }
      },
      connected: () => {
        everConnected = true;
        setConnection({ status: "connected", epoch: connectionState().epoch + 1 });
      },
      closed: () => {
        if (everConnected && connectionState().status !== "signedOut") {
          setConnection({ status: "reconnecting" });
        }
      },
    },
  });
  const http = new HttpLink({ uri: "/graphql", headers: authHeaders(token) });
  // A refused credential ends in the signed-out state, from HTTP (401) or from a stream the
  // server ended because the token was revoked or expired (UNAUTHENTICATED).
  const signedOutLink = onError(({ networkError, graphQLErrors }) => {
    const status = (networkError as { statusCode?: number } | null)?.statusCode;
    if (status === 401) {
      onSignedOut("The server refused your token (expired or revoked).");
    } else if (graphQLErrors?.some((e) => e.extensions?.["code"] === "UNAUTHENTICATED")) {
      onSignedOut("Your token was revoked or has expired.");
    }
  });
  const link = signedOutLink.concat(
    split(
      ({ query }) => {
        const def = getMainDefinition(query);
        return def.kind === "OperationDefinition" && def.operation === "subscription";
      },
      new GraphQLWsLink(ws),
      http,
    ),
  );
  const apollo = new ApolloClient({
    link,
    cache: new InMemoryCache({
      typePolicies: {
        Query: {
          fields: {
            // One job is the same cache entry whether it came from a list or from job(id).
            job: {
              read(_, { args, toReference }) {
                return args?.["id"] ? toReference({ __typename: "Job", id: args["id"] as string }) : undefined;
              },
            },
          },
        },
        Job: {
          fields: {
            events: { merge: false },
          },
        },
        Cluster: { keyFields: ["name"] },
        PodLogs: { keyFields: false },
      },
    }),
  });
  return { apollo, ws };
}
