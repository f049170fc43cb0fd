// One jobStatus subscription with the npm graphql-ws client, *retrying* like a browser app:
// on a close (1012 Service Restart) it reconnects and subscribes again.
//
// usage: node reconnect.mjs <node_modules dir> <ws-url> <query> <variablesJSON>
// stdout, one JSON line each: {"connected":n} on every connection_ack, {"closed":code} on
// every close, each `next` payload, {"complete":true} at the end, or {"error":...} (exit 1).
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [modules, url, query, variablesText] = process.argv.slice(2);
const load = (name, file) => import(pathToFileURL(path.join(modules, name, file)).href);
const { createClient } = await load('graphql-ws', 'dist/index.js');
const { default: WebSocket } = await load('ws', 'wrapper.mjs');

const out = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
let connections = 0;
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  lazy: false,
  retryAttempts: 100,
  retryWait: () => new Promise((resolve) => setTimeout(resolve, 100)),
  shouldRetry: () => true,
  on: {
    connected: () => out({ connected: ++connections }),
    closed: (event) => out({ closed: event && 'code' in event ? event.code : null }),
  },
});
client.subscribe(
  { query, variables: JSON.parse(variablesText || '{}') },
  {
    next: (payload) => out(payload),
    error: (err) => {
      out({ error: String(err?.message ?? JSON.stringify(err)) });
      process.exit(1);
    },
    complete: async () => {
      out({ complete: true });
      await client.dispose();
      process.exit(0);
    },
  },
);
