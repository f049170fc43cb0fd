// One GraphQL subscription over graphql-transport-ws with the npm `graphql-ws` client.
//
// usage: node subscribe.mjs <ws-url> <query> [variablesJSON] [connectionParamsJSON]
//
// Writes one JSON line per event to stdout:
//   {"connected":true}        once the server acknowledged the connection (connection_ack)
//   <payload>                 each `next` payload as received, e.g. {"data":{...}}
//   {"complete":true}         when the server completes the subscription (exit 0)
//   {"error":...}             on a GraphQL error message, a close or a socket error (exit 1)
// Bad arguments exit 2. The process never retries: a dropped connection is an error.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

function usage(message) {
  process.stderr.write(`${message}\nusage: node subscribe.mjs <ws-url> <query> [variablesJSON] [connectionParamsJSON]\n`);
  process.exit(2);
}

function parseJsonArg(text, name) {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    return usage(`${name} is not valid JSON: ${err.message}`);
  }
}

// Errors arrive as a GraphQL error list, a CloseEvent or an Error: keep what explains them.
function describeError(err) {
  if (Array.isArray(err)) return err;
  if (err && typeof err === 'object' && 'code' in err && 'reason' in err) {
    return { closeCode: err.code, reason: String(err.reason) };
  }
  if (err instanceof Error) return { message: err.message, name: err.name };
  return { message: String(err) };
}

function emit(obj) {
  return new Promise((resolve) => {
    process.stdout.write(`${JSON.stringify(obj)}\n`, () => resolve());
  });
}

const [url, query, variablesText, connectionParamsText] = process.argv.slice(2);
if (!url || !query) usage('missing <ws-url> or <query>');
const variables = parseJsonArg(variablesText, 'variablesJSON');
const connectionParams = parseJsonArg(connectionParamsText, 'connectionParamsJSON');

let finished = false;
let pending = Promise.resolve();
// Keep stdout lines in arrival order even though writes are asynchronous.
const write = (obj) => {
  pending = pending.then(() => emit(obj));
  return pending;
};

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams,
  lazy: false,
  retryAttempts: 0,
  shouldRetry: () => false,
  onNonLazyError: (err) => finish(1, { error: describeError(err) }),
  on: {
    connected: () => {
      write({ connected: true });
    },
  },
});

async function finish(code, lastLine) {
  if (finished) return;
  finished = true;
  await write(lastLine);
  try {
    await client.dispose();
  } finally {
    process.exit(code);
  }
}

client.subscribe(
  { query, variables },
  {
    next: (payload) => {
      if (!finished) write(payload);
    },
    error: (err) => finish(1, { error: describeError(err) }),
    complete: () => finish(0, { complete: true }),
  },
);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => finish(1, { error: { message: `interrupted by ${signal}` } }));
}
