// The web panel's pages, filled from the server's event stream (Server-Sent Events).
// Every request carries the panel's token; actions send it in a header.
(function () {
  "use strict";
  const token = document.querySelector('meta[name="worldfx-token"]').content;
  const page = document.body.dataset.page;
  const jobId = document.body.dataset.job;
  const withToken = (path) => path + (path.includes("?") ? "&" : "?") + "t=" + encodeURIComponent(token);
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const mib = (b) => b < 0 ? "n/a" : (b / 1048576).toFixed(0) + " MiB";
  const kind = (k) => k.replace(/^dev\.worldfx\./, "");
  const time = (ms) => new Date(ms).toLocaleString();
  const duration = (job) => {
    const end = job.endedMillis > 0 ? job.endedMillis : Date.now();
    return ((end - job.startedMillis) / 1000).toFixed(1) + " s";
  };
  window.worldfxPanel = { charts: {}, updates: 0 };

  function renderSystem(s) {
    const box = document.getElementById("system");
    if (!box || !s) return;
    box.textContent = "Backend: " + s.backend + ". GPU: " + s.gpu + ". Java heap " + mib(s.heapUsedBytes) + " of "
      + mib(s.heapMaxBytes) + "; process memory " + mib(s.residentBytes) + " (peak " + mib(s.peakResidentBytes) + ").";
  }

  // Rows are updated in place (keyed by job id), so a link is never replaced under the pointer.
  function renderList(data) {
    const body = document.querySelector("#jobs tbody");
    const rows = new Map([...body.querySelectorAll("tr.job-row")].map((r) => [r.dataset.id, r]));
    for (const job of data.jobs) {
      let tr = rows.get(job.id);
      if (!tr) {
        tr = el("tr", { "class": "job-row", "data-id": job.id });
        const tdNode = el("td");
        tdNode.append(el("a", { href: withToken("/job/" + job.id) }, kind(job.node)));
        const tdBar = el("td");
        tdBar.append(el("progress", { max: "1", value: "0" }), el("span"));
        tr.append(tdNode, el("td", {}, job.shot), el("td"), tdBar, el("td", { "class": "phase" }),
          el("td", {}, time(job.startedMillis)), el("td"));
      }
      rows.delete(job.id);
      tr.dataset.state = job.state;
      tr.dataset.progress = String(job.progress);
      const cells = tr.children;
      cells[2].textContent = job.state;
      cells[2].className = "state " + job.state;
      cells[3].querySelector("progress").value = job.progress;
      cells[3].querySelector("span").textContent = " " + Math.round(job.progress * 100) + " %";
      cells[4].textContent = job.phase;
      cells[6].textContent = duration(job);
      body.append(tr); // newest first, as the server orders them
    }
    for (const gone of rows.values()) gone.remove();
    document.getElementById("empty").hidden = data.jobs.length > 0;
    renderSystem(data.system);
  }

  function chart(name, opts, data, container) {
    const old = window.worldfxPanel.charts[name];
    if (old && old.series.length === opts.series.length) {
      old.setData(data);
    } else {
      if (old) old.destroy();
      window.worldfxPanel.charts[name] = new uPlot(opts, data, container);
    }
  }

  function renderLoss(job) {
    const box = document.getElementById("loss-chart");
    const runs = new Map();
    for (const [run, step, loss] of job.losses) {
      if (!runs.has(run)) runs.set(run, new Map());
      runs.get(run).set(step, loss);
    }
    box.dataset.points = String(job.losses.length);
    box.hidden = job.losses.length === 0;
    document.getElementById("loss-note").hidden = job.losses.length > 0;
    if (job.losses.length === 0) return;
    const steps = [...new Set(job.losses.map((p) => p[1]))].sort((a, b) => a - b);
    const data = [steps];
    const series = [{ label: "step" }];
    const colours = ["#1a5fb4", "#e66100", "#26a269", "#813d9c"];
    for (const [run, points] of [...runs.entries()].sort((a, b) => a[0] - b[0])) {
      data.push(steps.map((s) => points.has(s) ? points.get(s) : null));
      series.push({ label: "training run " + (run + 1), stroke: colours[run % colours.length], width: 1.5 });
    }
    chart("loss", { width: 640, height: 260, series, scales: { x: { time: false } },
      axes: [{ label: "optimiser step" },
        { label: "loss (MSE)", size: 80, values: (u, ticks) => ticks.map((v) => v.toPrecision(3)) }] }, data, box);
  }

  function renderBacktest(job) {
    const box = document.getElementById("backtest-chart");
    box.dataset.points = String(job.backtest.length);
    box.hidden = job.backtest.length === 0;
    const note = document.getElementById("backtest-note");
    if (job.backtest.length === 0) { note.hidden = false; return; }
    note.hidden = false;
    note.textContent = "Safe extension length: " + job.safeLength + " frame(s) (PSNR >= " + job.safeThresholdDb
      + " dB; the dashed line marks it). SSIM by horizon: "
      + job.backtest.map((r) => r.horizon + ": " + (r.ssim === null ? "n/a" : r.ssim.toFixed(3))).join(", ");
    const xs = job.backtest.map((r) => r.horizon);
    const data = [xs, job.backtest.map((r) => r.psnrDb), xs.map(() => job.safeThresholdDb)];
    const safe = job.safeLength;
    const markSafeLength = (u) => { // a vertical line at the safe length, drawn on uPlot's own canvas
      const x = u.valToPos(Math.max(safe, 0.5), "x", true);
      const ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = "#c01c28"; ctx.setLineDash([6, 4]); ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
      ctx.restore();
    };
    chart("backtest", { width: 640, height: 260, scales: { x: { time: false } },
      series: [{ label: "horizon" }, { label: "PSNR (dB)", stroke: "#1a5fb4", width: 2, points: { size: 7 } },
        { label: "threshold", stroke: "#999", dash: [4, 4] }],
      axes: [{ label: "frames after the last real one" }, { label: "PSNR (dB)" }],
      hooks: { draw: [markSafeLength] } }, data, box);
  }

  function renderPreviews(job) {
    const box = document.getElementById("previews");
    const known = new Map([...box.querySelectorAll("img")].map((i) => [i.dataset.kind, i]));
    for (const p of job.previews) {
      let img = known.get(p.kind);
      if (!img) {
        const fig = el("figure");
        img = el("img", { "data-kind": p.kind, id: "preview-" + p.kind, alt: p.kind });
        fig.append(img, el("figcaption", {}, p.label + " (frame " + p.frame + ")"));
        box.append(fig);
      }
      if (img.getAttribute("src") !== p.url) img.src = p.url;
    }
    const before = job.previews.find((p) => p.kind === "source");
    const after = job.previews.find((p) => p.kind === "result");
    const compare = document.getElementById("compare");
    compare.hidden = !(before && after);
    if (before && after) {
      const b = document.getElementById("before"), a = document.getElementById("after");
      if (b.getAttribute("src") !== before.url) b.src = before.url;
      if (a.getAttribute("src") !== after.url) a.src = after.url;
      slide();
    }
  }

  function slide() { // the "after" image shows right of the slider, the "before" image left of it
    const v = document.getElementById("slider").value;
    document.getElementById("after").style.clipPath = "inset(0 0 0 " + v + "%)";
  }

  function renderJob(data) {
    const job = data.job;
    const state = document.getElementById("state");
    state.textContent = job.state;
    state.className = "state " + job.state;
    document.body.dataset.state = job.state;
    const bar = document.getElementById("progress");
    bar.value = job.progress;
    bar.dataset.progress = String(job.progress);
    document.getElementById("percent").textContent = Math.round(job.progress * 100) + " %";
    document.getElementById("phase").textContent = job.phase;
    document.getElementById("cancel").hidden = job.state !== "running";
    document.getElementById("clear").hidden = job.state === "running" || job.cacheEntries === 0;
    const msgs = document.getElementById("messages");
    msgs.replaceChildren(...job.messages.map((m) => el("li", {}, m)));
    document.getElementById("job-resources").textContent = "This job: " + job.backend + ", Java heap peak "
      + mib(job.peakHeapBytes) + ", process " + job.pid + ", " + duration(job) + ".";
    renderPreviews(job);
    renderLoss(job);
    renderBacktest(job);
    renderSystem(data.system);
  }

  async function post(action) {
    const out = document.getElementById("action");
    try {
      const r = await fetch("/api/jobs/" + jobId + "/" + action, { method: "POST", headers: { "X-WorldFX-Token": token } });
      out.textContent = r.ok ? (action === "cancel" ? "cancel requested" : "cache cleared") : await r.text();
    } catch (e) {
      out.textContent = "the panel did not answer: " + e;
    }
  }

  const source = new EventSource(withToken("/api/events" + (page === "job" ? "?job=" + encodeURIComponent(jobId) : "")));
  source.onmessage = (e) => {
    const data = JSON.parse(e.data);
    if (page === "list") renderList(data);
    else if (page === "job" && data.job) renderJob(data);
    window.worldfxPanel.updates++;
  };
  if (page === "job") {
    document.getElementById("cancel").addEventListener("click", () => post("cancel"));
    document.getElementById("clear").addEventListener("click", () => post("clear-cache"));
    document.getElementById("slider").addEventListener("input", slide);
  }
})();
