// Drives the web panel in headless Chromium while a real solve runs (started by PanelBrowserTest
// once this script prints READY; slowed more until it prints WATCHING, so that a fast machine does not
// finish the solve before the job's page is open). Prints "RESULT <json>" with what it measured and exits 1 on any
// failed check. Screenshots go to the output folder.
//   node panel-browser-test.mjs PANEL_URL OUTPUT_DIR     (WORLDFX_CHROMIUM: the browser to run)
import { chromium } from "playwright-core";

const [url, outDir] = process.argv.slice(2);
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };
const browser = await chromium.launch({ executablePath: process.env.WORLDFX_CHROMIUM, headless: true });
const result = {};
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1500 } });
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push("console: " + m.text()); });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("requestfailed", (r) => {
    if (!r.url().includes("/api/events")) problems.push("request failed: " + r.url() + " " + r.failure()?.errorText);
  });

  await page.goto(url);
  await page.waitForFunction(() => window.worldfxPanel && window.worldfxPanel.updates > 0);
  console.log("READY");

  // The job appears in the list by itself (live updates), running.
  const row = 'tr.job-row[data-state="running"]';
  await page.waitForSelector(row, { timeout: 90_000 });
  const listProgress = [];
  for (let i = 0; i < 10; i++) {
    const p = await page.$eval(row, (r) => Number(r.dataset.progress)).catch(() => null);
    if (p !== null) listProgress.push(p);
    if (new Set(listProgress).size >= 2) break;
    await page.waitForTimeout(300);
  }
  result.listProgress = listProgress;
  await page.screenshot({ path: outDir + "/jobs-list-running.png", fullPage: true });

  await page.click(row + " a");
  await page.waitForFunction(() => document.body.dataset.page === "job" && document.body.dataset.state);
  console.log("WATCHING"); // the test's solve stops dawdling now

  // Progress moves while the solve runs.
  const samples = [];
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    const s = await page.evaluate(() => ({ state: document.body.dataset.state,
      p: Number(document.getElementById("progress").dataset.progress) }));
    if (s.state !== "running") break;
    samples.push(s.p);
    if (new Set(samples).size >= 3) break;
    await page.waitForTimeout(150);
  }
  result.progressWhileRunning = samples;
  const distinct = [...new Set(samples)];
  check(distinct.length >= 2, "progress did not move while the job ran: " + JSON.stringify(samples));
  check(samples.every((v, i) => i === 0 || v >= samples[i - 1]), "progress went backwards: " + JSON.stringify(samples));

  // A preview image loads (the source frame is shown as soon as the solve starts).
  await page.waitForFunction(() => {
    const i = document.getElementById("preview-source");
    return i && i.complete && i.naturalWidth > 0;
  }, null, { timeout: 60_000 });
  result.sourcePreviewWidth = await page.$eval("#preview-source", (i) => i.naturalWidth);
  result.stateWhenPreviewLoaded = await page.evaluate(() => document.body.dataset.state);

  // The training loss chart gets points (a few, for the screenshot).
  await page.waitForFunction(() => Number(document.getElementById("loss-chart").dataset.points) >= 10, null,
    { timeout: 90_000 });
  result.stateWhenLossShown = await page.evaluate(() => document.body.dataset.state);
  await page.screenshot({ path: outDir + "/job-running.png", fullPage: true });

  await page.waitForFunction(() => document.body.dataset.state === "done", null, { timeout: 120_000 });
  await page.waitForFunction(() => {
    const i = document.getElementById("preview-result");
    return i && i.complete && i.naturalWidth > 0 && Number(document.getElementById("backtest-chart").dataset.points) > 0;
  }, null, { timeout: 30_000 });
  const done = await page.evaluate(() => {
    const c = window.worldfxPanel.charts;
    const plotted = (u) => u ? u.data.slice(1).reduce((n, s) => n + s.filter((v) => v !== null).length, 0) : 0;
    const canvas = (id) => { const e = document.querySelector("#" + id + " canvas"); return e ? e.width : 0; };
    return {
      lossPoints: Number(document.getElementById("loss-chart").dataset.points),
      lossPlotted: plotted(c.loss),
      backtestRows: Number(document.getElementById("backtest-chart").dataset.points),
      backtestPsnrPlotted: c.backtest ? c.backtest.data[1].filter((v) => v !== null).length : 0,
      lossCanvasWidth: canvas("loss-chart"),
      backtestCanvasWidth: canvas("backtest-chart"),
      resultPreviewWidth: document.getElementById("preview-result").naturalWidth,
      compareShown: !document.getElementById("compare").hidden,
      backtestNote: document.getElementById("backtest-note").textContent,
      finalProgress: Number(document.getElementById("progress").dataset.progress),
    };
  });
  Object.assign(result, done);
  check(done.lossPlotted > 0 && done.lossCanvasWidth > 0, "the loss chart has no points");
  check(done.backtestPsnrPlotted > 0 && done.backtestCanvasWidth > 0, "the back-test chart has no points");
  check(done.resultPreviewWidth > 0, "the result preview did not load");
  check(done.compareShown, "the before/after slider is not shown");
  check(done.finalProgress === 1, "a done job is not at 100 %");
  await page.fill("#slider", "25");
  await page.screenshot({ path: outDir + "/job-done.png", fullPage: true });

  // The page's own action (a same-origin POST with the token header) passes the server's checks.
  await page.click("#clear");
  await page.waitForFunction(() => document.getElementById("action").textContent !== "", null, { timeout: 10_000 });
  result.clearCache = await page.$eval("#action", (e) => e.textContent);
  check(result.clearCache === "cache cleared", "clearing the cache from the page failed: " + result.clearCache);
  await page.waitForFunction(() => [...document.querySelectorAll("#messages li")]
    .some((li) => li.textContent.startsWith("sequence cache cleared")), null, { timeout: 10_000 });

  result.problems = problems;
  check(problems.length === 0, "the page reported problems: " + problems.join("; "));
} catch (e) {
  failures.push("browser test stopped: " + e.message);
} finally {
  await browser.close();
}
result.failures = failures;
console.log("RESULT " + JSON.stringify(result));
process.exit(failures.length ? 1 : 0);
