// Open GraphiQL in headless Chromium with every non-loopback request blocked, run a query,
// and print one JSON line: {ok, resultText, blocked, requested, consoleErrors}.
// Usage: node graphiql.mjs <page-url> <expected-text> [executablePath] [timeoutMs]
// The page URL carries the query as ?q=... (Strawberry's GraphiQL page reads it from there).
import { chromium } from "playwright-core";

const [pageUrl, expected, executablePath = "/usr/bin/chromium", timeoutMs = "30000"] =
  process.argv.slice(2);
const TIMEOUT_MS = Number(timeoutMs);

const blocked = [];
const requested = [];
const consoleErrors = [];
let browser;
let result = { ok: false };
try {
  browser = await chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = await browser.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  // "No internet": anything not addressed to 127.0.0.1 is aborted and recorded.
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.hostname === "127.0.0.1") {
      requested.push(url.pathname);
      return route.continue();
    }
    blocked.push(url.href);
    return route.abort("internetdisconnected");
  });
  await page.goto(pageUrl, { waitUntil: "load", timeout: TIMEOUT_MS });
  await page.locator(".graphiql-execute-button").click({ timeout: TIMEOUT_MS });
  const response = page.locator(".graphiql-response");
  await response.getByText(expected).first().waitFor({ timeout: TIMEOUT_MS });
  result = { ok: true, resultText: await response.innerText() };
} catch (error) {
  result = { ok: false, error: String(error) };
} finally {
  if (browser) await browser.close();
}
console.log(JSON.stringify({ ...result, blocked, requested, consoleErrors }));
process.exit(result.ok ? 0 : 1);
