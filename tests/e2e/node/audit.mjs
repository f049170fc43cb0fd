// The GraphQL-over-HTTP audit of the npm `graphql-http` package against a running server.
//
// usage: node audit.mjs <http-url>
//
// Prints one JSON line: {"ok": n, "warn": [{id, name, reason}], "error": [{id, name, reason}]}.
import { auditServer } from 'graphql-http';

const [url] = process.argv.slice(2);
if (!url) {
  process.stderr.write('usage: node audit.mjs <http-url>\n');
  process.exit(2);
}

const results = await auditServer({ url });
const summary = { ok: 0, warn: [], error: [] };
for (const result of results) {
  if (result.status === 'ok') {
    summary.ok += 1;
  } else {
    summary[result.status].push({ id: result.id, name: result.name, reason: result.reason });
  }
}
process.stdout.write(`${JSON.stringify(summary)}\n`);
