// Drive the console in real Chromium (Debian's, through playwright-core) for the pytest tests in
// tests/console/. Usage: node console.mjs '<json config>'; prints progress lines ("READY ...")
// and, last, one JSON line {ok, error?, ...facts}. Commands from the test arrive on stdin, one
// per line (e.g. "GO" after the test cut the websocket).
//
// No fixed sleeps: every wait is a playwright wait for a condition, with a deadline.
// Every request not to 127.0.0.1 is aborted: the console must work air-gapped.
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const config = JSON.parse(process.argv[2] ?? "{}");
const { scenario, baseUrl, shots, executablePath = "/usr/bin/chromium" } = config;
const T = config.timeoutMs ?? 60_000;

const stdinLines = createInterface({ input: process.stdin });
const pending = [];
const waiting = [];
stdinLines.on("line", (line) => {
  const w = waiting.shift();
  if (w) w(line);
  else pending.push(line);
});
function nextCommand() {
  const line = pending.shift();
  if (line !== undefined) return Promise.resolve(line);
  return new Promise((resolve) => waiting.push(resolve));
}
function say(line) {
  process.stdout.write(`${line}\n`);
}

const blocked = [];
const consoleErrors = [];
let browser;

async function newPage(context) {
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => consoleErrors.push(`pageerror: ${err.message}`));
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.hostname === "127.0.0.1") return route.continue();
    blocked.push(url.href);
    return route.abort("internetdisconnected");
  });
  return page;
}

async function newContext() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  if (config.token) {
    await context.addInitScript((token) => {
      window.localStorage.setItem("mlplatform.token", token);
    }, config.token);
  }
  return context;
}

async function shot(page, name) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

/** Record every phase a job's row (by name) or the job page shows, in order. */
async function recordPhases(page, selector, keyAttr) {
  await page.evaluate(
    ({ selector, keyAttr }) => {
      const seen = {};
      window.__phases = seen;
      window.__noReload = true;
      const scan = () => {
        document.querySelectorAll(selector).forEach((el) => {
          const key = keyAttr ? el.closest(`[${keyAttr}]`)?.getAttribute(keyAttr) : "job";
          if (!key) return;
          const list = (seen[key] ??= []);
          const text = el.textContent?.trim();
          if (text && list[list.length - 1] !== text) list.push(text);
        });
      };
      scan();
      new MutationObserver(scan).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    },
    { selector, keyAttr },
  );
}

async function phasesOf(page, key) {
  return page.evaluate((key) => ({ phases: window.__phases?.[key] ?? [], noReload: window.__noReload === true }), key);
}

/** GraphQL operations a page sends over HTTP (names), from now on. */
function countOperations(page) {
  const ops = [];
  page.on("request", (req) => {
    if (req.method() === "POST" && new URL(req.url()).pathname === "/graphql") {
      try {
        ops.push(JSON.parse(req.postData() ?? "{}").operationName ?? "?");
      } catch {
        ops.push("?");
      }
    }
  });
  return ops;
}

async function waitLive(page) {
  await page.locator('[data-testid="connection"]', { hasText: "live" }).waitFor({ timeout: T });
}

async function timelineOf(page) {
  return page.$$eval('[data-testid="timeline"] li', (items) =>
    items.map((li) => ({ sequence: Number(li.dataset.sequence), phase: li.dataset.phase, text: li.textContent })),
  );
}

async function fillNewJob(page, { jobName, algorithm, imageUri, priority, cpuCores, params }) {
  await page.goto(`${baseUrl}/jobs/new`);
  const algo = page.locator('select[name="algorithm"]');
  await algo.locator("option").first().waitFor({ state: "attached", timeout: T });
  if (algorithm) await algo.selectOption(algorithm);
  await page.locator('input[name="jobName"]').fill(jobName);
  if (imageUri) await page.locator('input[name="imageUri"]').fill(imageUri);
  if (priority !== undefined) await page.locator('input[name="priority"]').fill(String(priority));
  for (const [name, value] of Object.entries(params ?? {})) {
    const input = page.locator(`[name="hyperparameters.${algorithm}.${name}"]`);
    if (!(await input.isVisible())) await page.locator("details.more-params > summary").click();
    await input.fill(String(value));
  }
  if (cpuCores !== undefined) {
    await page.locator('input[name="resources.instanceResources.cpuCores"]').fill(String(cpuCores));
  }
}

const scenarios = {
  // Create a job through the form; watch PENDING -> RUNNING -> SUCCEEDED in the (already open)
  // table and on the job page, without a reload; follow its logs.
  async lifecycle() {
    const context = await newContext();
    const table = await newPage(context);
    await table.goto(`${baseUrl}/jobs`);
    await waitLive(table);
    await table.locator('[data-testid="jobs-table"]').waitFor({ timeout: T });
    await recordPhases(table, '[data-testid="phase"]', "data-job-name");
    const tableOps = countOperations(table);

    const form = await newPage(context);
    await fillNewJob(form, config);
    await waitLive(form);
    await shot(form, `new-job-${config.algorithm}`);
    await form.getByRole("button", { name: "Create job" }).click();
    await form.waitForURL((url) => /^\/jobs\/(?!new$)[^/]+$/.test(url.pathname), { timeout: T });
    const jobId = form.url().split("/").pop();
    await recordPhases(form, '[data-testid="job-phase"]', null);
    await form.locator('[data-testid="job-phase"]', { hasText: "RUNNING" }).waitFor({ timeout: T });
    // Live logs while it runs.
    await form.waitForFunction(
      () => {
        const src = document.querySelector('[data-testid="log-source"]')?.textContent;
        const text = document.querySelector('[data-testid="logs"]')?.textContent ?? "";
        return src === "following" && text.trim().length > 0;
      },
      null,
      { timeout: T },
    );
    const liveLogs = await form.locator('[data-testid="logs"]').innerText();
    await shot(form, `job-running-${config.algorithm}`);
    await form.locator('[data-testid="job-phase"]', { hasText: "SUCCEEDED" }).waitFor({ timeout: T });
    await form.locator('[data-testid="timeline"] li[data-phase="SUCCEEDED"]').waitFor({ timeout: T });
    await form.waitForFunction(
      () => (document.querySelector('[data-testid="logs"]')?.textContent ?? "").trim().length > 0,
      null,
      { timeout: T },
    );
    const finishedLogs = await form.locator('[data-testid="logs"]').innerText();
    // The archived logs replace the live read once the operations worker stored them and
    // retention removed the pods (the test says when).
    say("READY archived");
    await nextCommand();
    await form.getByRole("button", { name: "Reload logs" }).click();
    await form.locator('[data-testid="log-source"]', { hasText: "archived" }).waitFor({ timeout: T });
    const logSource = await form.locator('[data-testid="log-source"]').innerText();
    await shot(form, `job-${config.algorithm}`);
    // The pod picker: one pod's log only.
    const pods = await form.$$eval('select[aria-label="Pod"] option', (os) => os.map((o) => o.value).filter(Boolean));
    let onePod = null;
    if (pods.length > 0) {
      await form.locator('select[aria-label="Pod"]').selectOption(pods[0]);
      await form.waitForFunction(
        (pod) => {
          const text = document.querySelector('[data-testid="logs"]')?.textContent ?? "";
          return text.length > 0 && !text.includes("==> ") && text.includes(pod);
        },
        pods[0],
        { timeout: T },
      );
      onePod = { pod: pods[0], text: await form.locator('[data-testid="logs"]').innerText() };
    }

    const row = table.locator(`tr[data-job-name="${config.jobName}"] [data-testid="phase"]`);
    await row.filter({ hasText: "SUCCEEDED" }).waitFor({ timeout: T });
    await shot(table, "jobs");
    const counts = await table.$$eval("[data-testid=phase-counts] [data-phase]", (bs) =>
      Object.fromEntries(bs.map((b) => [b.getAttribute("data-phase"), Number(b.querySelector("b")?.textContent)])),
    );
    return {
      jobId,
      counts,
      pods,
      onePod,
      table: await phasesOf(table, config.jobName),
      page: await phasesOf(form, "job"),
      tableOperations: tableOps,
      timeline: await timelineOf(form),
      liveLogs,
      finishedLogs,
      logSource,
    };
  },

  // A job the test made long-running: stop it, retry it (with an override), delete the retry.
  async actions() {
    const context = await newContext();
    const page = await newPage(context);
    await page.goto(`${baseUrl}/jobs/${config.jobId}`);
    await waitLive(page);
    await page.locator('[data-testid="job-phase"]', { hasText: "RUNNING" }).waitFor({ timeout: T });
    await page.getByRole("button", { name: "Stop" }).click();
    await page.getByRole("dialog", { name: "Confirm stop" }).waitFor({ timeout: T });
    await shot(page, "confirm-stop");
    await page.getByRole("button", { name: "Confirm stop" }).click();
    await page.locator('[data-testid="job-phase"]', { hasText: "STOPPED" }).waitFor({ timeout: T });
    await page.locator('[data-testid="timeline"] li[data-phase="STOPPED"]').waitFor({ timeout: T });
    const stoppedTimeline = await timelineOf(page);

    await page.getByRole("button", { name: "Retry…" }).click();
    await page.getByLabel("Overrides").fill(JSON.stringify(config.overrides ?? {}));
    await page.getByRole("button", { name: "Confirm retry" }).click();
    await page.waitForURL((url) => !url.pathname.endsWith(config.jobId), { timeout: T });
    const retryId = page.url().split("/").pop();
    await page.locator('[data-testid="job-phase"]').waitFor({ timeout: T });
    const retryPriority = await page.locator("dl.facts dt:text-is('Priority') + dd").innerText();
    await shot(page, "job-retried");

    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("button", { name: "Confirm delete" }).click();
    await page.waitForURL(/\/jobs$/, { timeout: T });
    await page.locator('[data-testid="jobs-table"]').waitFor({ timeout: T });
    await page.locator(`tr[data-job-id="${retryId}"]`).waitFor({ state: "detached", timeout: T });
    return { stoppedTimeline, retryId, retryPriority };
  },

  // Server validation errors appear at their field.
  async validation() {
    const context = await newContext();
    const page = await newPage(context);
    await fillNewJob(page, config);
    await page.getByRole("button", { name: "Create job" }).click();
    const at = page.locator(`.field-error[data-field="${config.expectField}"]`);
    await at.waitFor({ timeout: T });
    await shot(page, `validation-${config.expectField.replace(/[^\w]+/g, "-")}`);
    return {
      fieldError: await at.innerText(),
      fieldErrors: await page.$$eval(".field-error", (els) => els.map((e) => e.getAttribute("data-field"))),
      url: page.url(),
    };
  },

  // A viewer: only the jobs it may read, and no write buttons anywhere.
  async viewer() {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await newPage(context);
    // Signed in through the form: the token mode asks for one.
    await page.goto(`${baseUrl}/jobs`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: T });
    await shot(page, "sign-in");
    await page.locator('input[name="token"]').fill(config.viewerToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await waitLive(page);
    await page.locator("tr[data-job-id]").first().waitFor({ timeout: T });
    const namespaces = await page.$$eval("tr[data-job-id] td:nth-child(2)", (tds) => tds.map((td) => td.textContent));
    const newJobLinks = await page.getByRole("link", { name: "New job" }).count();
    await shot(page, "jobs-viewer");
    await page.locator("tr[data-job-id] a").first().click();
    await page.locator('[data-testid="job-phase"]').waitFor({ timeout: T });
    const writeButtons = await page.getByRole("button", { name: /^(Stop|Retry…|Delete)$/ }).count();
    await shot(page, "job-viewer");
    await page.getByRole("link", { name: "Jobs", exact: true }).click();
    await page.locator("tr[data-job-id]").first().waitFor({ timeout: T });
    const user = await page.locator('[data-testid="user"]').innerText();
    say("READY viewer");
    // The test revokes the token now; the console must end signed out, not blank.
    await nextCommand();
    // No reload: the server ends the open subscription, the console shows why.
    await page.locator('[data-testid="signed-out-reason"]').waitFor({ timeout: T });
    const signedOut = await page.locator(".signin").innerText();
    await shot(page, "signed-out");
    return { namespaces, newJobLinks, writeButtons, user, signedOut };
  },

  // AUTH_MODE=oidc: sign in with a JWT pasted in the form; the jobs of its groups' namespaces only.
  async oidcSignIn() {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await newPage(context);
    await page.goto(`${baseUrl}/jobs`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: T });
    await page.locator('input[name="token"]').fill(config.jwt);
    await page.getByRole("button", { name: "Sign in" }).click();
    await waitLive(page);
    await page.locator("tr[data-job-id]").first().waitFor({ timeout: T });
    const namespaces = await page.$$eval("tr[data-job-id] td:nth-child(2)", (tds) => tds.map((td) => td.textContent));
    const user = await page.locator('[data-testid="user"]').innerText();
    const newJobLinks = await page.getByRole("link", { name: "New job" }).count();
    await shot(page, "jobs-oidc");
    return { namespaces, user, newJobLinks };
  },

  // The websocket is cut by the server mid-run: "reconnecting" shows, and the job page ends
  // with the full timeline (resumed with afterSequence), the table with the final phase.
  async reconnect() {
    const context = await newContext();
    const table = await newPage(context);
    await table.goto(`${baseUrl}/jobs`);
    await waitLive(table);
    const page = await newPage(context);
    await page.goto(`${baseUrl}/jobs/${config.jobId}`);
    await waitLive(page);
    await page.locator('[data-testid="job-phase"]', { hasText: "RUNNING" }).waitFor({ timeout: T });
    await recordPhases(page, '[data-testid="connection"]', null);
    const otherRow = table.locator(`tr[data-job-id="${config.otherJobId}"] [data-testid="phase"]`);
    const otherBefore = (await otherRow.innerText()).trim();
    say("READY cut");
    await nextCommand(); // the test cut every websocket and holds new ones off
    await page.locator(".banner", { hasText: "reconnecting" }).waitFor({ timeout: T });
    await table.locator(".banner", { hasText: "reconnecting" }).waitFor({ timeout: T });
    // The table's HTTP reads from the drop on (the other job changes while it is away).
    const tableOperations = countOperations(table);
    await shot(page, "reconnecting");
    say("READY release");
    await nextCommand(); // the job ended while the console was cut off; connections allowed
    await page.locator('[data-testid="job-phase"]', { hasText: "SUCCEEDED" }).waitFor({ timeout: T });
    await page.locator('[data-testid="timeline"] li[data-phase="SUCCEEDED"]').waitFor({ timeout: T });
    await waitLive(page);
    const row = table.locator(`tr[data-job-id="${config.jobId}"] [data-testid="phase"]`);
    await row.filter({ hasText: "SUCCEEDED" }).waitFor({ timeout: T });
    await waitLive(table);
    await otherRow.filter({ hasText: config.otherPhase }).waitFor({ timeout: T });
    const countOf = (phase) =>
      table.locator(`[data-testid="phase-counts"] [data-phase="${phase}"] b`).innerText().then(Number);
    await table.waitForFunction(
      (phase) => document.querySelector(`[data-testid="phase-counts"] [data-phase="${phase}"] b`)?.textContent === "1",
      config.otherPhase,
      { timeout: T },
    );
    await shot(page, "job-after-reconnect");
    return {
      timeline: await timelineOf(page),
      connection: await phasesOf(page, "job"),
      otherBefore,
      otherAfter: (await otherRow.innerText()).trim(),
      otherCount: await countOf(config.otherPhase),
      tableOperations,
    };
  },

  // A followed log across a cut websocket: the lines written while the console was away
  // appear after reconnection, none twice.
  async logsReconnect() {
    const context = await newContext();
    const page = await newPage(context);
    await page.goto(`${baseUrl}/jobs/${config.jobId}`);
    await waitLive(page);
    const logs = page.locator('[data-testid="logs"]');
    await page.waitForFunction(() => /step=3 /.test(document.querySelector('[data-testid="logs"]')?.textContent ?? ""), null, {
      timeout: T,
    });
    const shownAtCut = await logs.innerText();
    say(`READY cut ${JSON.stringify(shownAtCut.split("\n").filter(Boolean).pop() ?? "")}`);
    await nextCommand();
    await page.locator(".banner", { hasText: "reconnecting" }).waitFor({ timeout: T });
    const shownWhileAway = await logs.innerText();
    say("READY release");
    // The test saw lines written while the console was away and sends the last of them.
    const want = JSON.parse(await nextCommand());
    await waitLive(page);
    await page.waitForFunction(
      (want) => (document.querySelector('[data-testid="logs"]')?.textContent ?? "").includes(want),
      want,
      { timeout: T },
    );
    const afterResume = await logs.innerText();
    await shot(page, "logs-after-reconnect");
    return { shownAtCut, shownWhileAway, afterResume };
  },

  // Paging, sorting and filtering of the jobs table (the test made 30 jobs).
  async table() {
    const context = await newContext();
    const page = await newPage(context);
    const names = () => page.$$eval("tr[data-job-name]", (rows) => rows.map((r) => r.getAttribute("data-job-name")));
    const rowsAre = (n) =>
      page.waitForFunction((n) => document.querySelectorAll("tr[data-job-name]").length === n, n, { timeout: T });
    await page.goto(`${baseUrl}/jobs`);
    await waitLive(page);
    await rowsAre(25);
    const first = await names();
    const total = await page.locator(".pager span").innerText();
    await page.getByRole("button", { name: "Older →" }).click();
    await rowsAre(config.total - 25);
    const second = await names();
    await page.getByRole("button", { name: "← Newer" }).click();
    await rowsAre(25);
    await page.getByRole("button", { name: /^Name/ }).click(); // NAME, descending
    await page.waitForFunction(() => /sort=NAME/.test(location.search), null, { timeout: T });
    await rowsAre(25);
    await page.getByRole("button", { name: /^Name/ }).click(); // NAME, ascending
    await page.waitForFunction(() => /dir=ASC/.test(location.search), null, { timeout: T });
    await page.waitForFunction(
      (expected) => document.querySelector("tr[data-job-name]")?.getAttribute("data-job-name") === expected,
      config.firstByName,
      { timeout: T },
    );
    const byNameAsc = await names();
    await page.getByPlaceholder("Name", { exact: true }).fill(config.nameFilter);
    await rowsAre(config.nameFilterCount);
    const filtered = await names();
    const filteredUrl = page.url();
    await shot(page, "jobs-filtered");
    return { first, second, total, byNameAsc, filtered, filteredUrl };
  },

  // The first createJob reaches the server but its answer is lost; submitting again (the same
  // request, so the same clientRequestId) must land on the job the first call created.
  async idempotent() {
    const context = await newContext();
    const page = await newPage(context);
    const requestIds = [];
    let lost = 0;
    await page.route("**/graphql", async (route) => {
      const body = JSON.parse(route.request().postData() ?? "{}");
      if (body.operationName !== "ConsoleCreateJob") return route.fallback();
      requestIds.push(body.variables?.input?.clientRequestId);
      if (lost === 0) {
        lost += 1;
        await route.fetch(); // the server handles it...
        return route.abort("connectionreset"); // ...and the answer never arrives
      }
      return route.fallback();
    });
    await fillNewJob(page, config);
    await page.getByRole("button", { name: "Create job" }).click();
    await page.locator('[data-testid="form-error"]').waitFor({ timeout: T });
    const firstError = await page.locator('[data-testid="form-error"]').innerText();
    await shot(page, "new-job-answer-lost");
    await page.getByRole("button", { name: "Create job" }).click();
    await page.waitForURL((url) => /^\/jobs\/(?!new$)[^/]+$/.test(url.pathname), { timeout: T });
    return { requestIds, firstError, jobId: page.url().split("/").pop() };
  },

  // Screenshots of the pages that need no job: clusters, sign-in.
  async pages() {
    const context = await newContext();
    const page = await newPage(context);
    await page.goto(`${baseUrl}/clusters`);
    await page.locator("article.cluster").first().waitFor({ timeout: T });
    const clusters = await page.$$eval("article.cluster", (els) =>
      els.map((el) => ({
        name: el.getAttribute("data-cluster"),
        ready: el.querySelector('[data-testid="ready"]')?.textContent,
        bars: [...el.querySelectorAll(".bar-row")].map((b) => b.textContent),
        text: el.textContent,
      })),
    );
    await shot(page, "clusters");
    return { clusters };
  },
};

let result;
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
  const run = scenarios[scenario];
  if (!run) throw new Error(`unknown scenario ${scenario}`);
  result = { ok: true, ...(await run()) };
} catch (error) {
  result = { ok: false, error: String(error?.stack ?? error) };
} finally {
  if (browser) await browser.close();
}
say(JSON.stringify({ ...result, blocked, consoleErrors }));
stdinLines.close();
process.exit(result.ok ? 0 : 1);
