// bench/console.py's browser part: time to a rendered jobs table in real Chromium, and the
// requests that paging and scrolling the table send. Usage: node console_render.mjs <baseUrl> <runs>
// Prints one JSON line. Run from web/ (playwright-core is web's dev dependency).
import { createRequire } from "node:module";

// playwright-core from web/node_modules (the working directory), not beside this file.
const { chromium } = createRequire(`${process.cwd()}/`)("playwright-core");

const [baseUrl, runsArg = "5", pagesArg = "10"] = process.argv.slice(2);
const runs = Number(runsArg);
const pages = Number(pagesArg);
const ROWS = 'tr[data-job-name]';
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const renders = [];
let paging = null;
try {
  for (let run = 0; run < runs; run += 1) {
    // A fresh context: no HTTP cache, no stored state, as a first visit.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    // From navigation start (performance.now() = 0) to the first page of rows in the DOM.
    await page.addInitScript(() => {
      const check = () => {
        if (window.__rowsAt === undefined && document.querySelectorAll("tr[data-job-name]").length >= 25) {
          window.__rowsAt = performance.now();
        }
      };
      new MutationObserver(check).observe(document, { subtree: true, childList: true });
    });
    await page.goto(`${baseUrl}/jobs`);
    await page.waitForFunction(() => window.__rowsAt !== undefined, null, { timeout: 60_000 });
    // Painted: the next animation frame after the rows exist.
    const rowsAt = await page.evaluate(() => window.__rowsAt);
    renders.push(rowsAt);
    if (run === runs - 1) {
      const requests = [];
      page.on("request", (req) => {
        if (new URL(req.url()).pathname.startsWith("/graphql") || req.url().includes("/api/")) {
          let op = "?";
          try {
            op = JSON.parse(req.postData() ?? "{}").operationName ?? "?";
          } catch {
            /* not JSON */
          }
          requests.push(op);
        }
      });
      // Scroll the page of rows top to bottom and back, a step at a time.
      for (let y = 0; y <= 3000; y += 100) await page.mouse.wheel(0, 100);
      for (let y = 0; y <= 3000; y += 100) await page.mouse.wheel(0, -100);
      const scrollRequests = requests.length;
      const pageTimes = [];
      for (let p = 0; p < pages; p += 1) {
        const first = await page.locator(ROWS).first().getAttribute("data-job-name");
        const t0 = Date.now();
        await page.getByRole("button", { name: "Older →" }).click();
        await page.waitForFunction(
          (first) => document.querySelector("tr[data-job-name]")?.getAttribute("data-job-name") !== first,
          first,
          { timeout: 60_000 },
        );
        pageTimes.push(Date.now() - t0);
      }
      const rowsSeen = pages * 25;
      paging = { scrollRequests, pages, rowsSeen, pagingRequests: requests.length - scrollRequests, operations: requests, pageTimes };
    }
    await context.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(`${JSON.stringify({ renders, paging })}\n`);
