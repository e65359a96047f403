/// The dashboard's one page: HTML, CSS and plain JavaScript in one string (no build step,
/// nothing fetched from elsewhere). It reads the API like any client: `/api/stream` for the
/// state and its changes, `/api/trials` for the table, `/api/trials/ID/curves` for a trial.
enum Page {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lottery dashboard</title>
<style>
:root { --fg:#1d2330; --muted:#687083; --line:#d9dde5; --bg:#f6f7f9; --card:#fff; --bad:#b3261e; --ok:#1b7f3b; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; gap:16px; align-items:baseline; padding:12px 20px; background:#1d2330; color:#fff; }
header h1 { font-size:18px; margin:0; }
header .muted { color:#aab2c2; }
#connection { margin-left:auto; font-size:12px; padding:2px 8px; border-radius:10px; background:#3a4254; }
#connection.live { background:var(--ok); }
main { padding:16px 20px; display:grid; gap:16px; grid-template-columns: repeat(12, 1fr); }
section { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:12px 14px; min-width:0; }
section h2 { font-size:14px; margin:0 0 8px; color:var(--muted); font-weight:600; text-transform:uppercase; letter-spacing:.04em; }
.w12 { grid-column: span 12; } .w8 { grid-column: span 8; } .w6 { grid-column: span 6; } .w4 { grid-column: span 4; }
@media (max-width: 1100px) { .w8, .w6, .w4 { grid-column: span 12; } }
.cards { display:flex; flex-wrap:wrap; gap:10px 24px; }
.card b { display:block; font-size:22px; }
.card span { color:var(--muted); font-size:12px; }
.bar { height:8px; background:#e7e9ee; border-radius:4px; overflow:hidden; margin-top:10px; display:flex; }
.bar i { display:block; height:100%; }
svg.plot { width:100%; height:auto; display:block; }
svg.plot text { font-size:11px; fill:var(--muted); }
svg.plot .axis { stroke:#9aa1b0; stroke-width:1; }
svg.plot .grid { stroke:#eef0f4; stroke-width:1; }
.legend { display:flex; flex-wrap:wrap; gap:4px 12px; font-size:12px; color:var(--muted); }
.legend i { display:inline-block; width:14px; height:3px; vertical-align:middle; margin-right:4px; }
table { border-collapse:collapse; width:100%; font-size:13px; }
th, td { text-align:left; padding:4px 6px; border-bottom:1px solid var(--line); white-space:nowrap; }
th { color:var(--muted); font-weight:600; }
th.sortable { cursor:pointer; user-select:none; }
th.sorted::after { content:" ▲"; } th.sorted.desc::after { content:" ▼"; }
tbody tr.trial { cursor:pointer; }
tbody tr.trial:hover { background:#f0f3f8; }
tbody tr.selected { background:#e3ecfb; }
td.error { white-space:normal; color:var(--bad); max-width:520px; }
.state-failed { color:var(--bad); } .state-done { color:var(--ok); } .state-running { color:#1f5fbf; }
.filters { display:flex; flex-wrap:wrap; gap:8px; margin-bottom:8px; align-items:center; }
.filters input, .filters select { font:inherit; padding:3px 6px; border:1px solid var(--line); border-radius:4px; }
.filters input { width:90px; }
.pager { display:flex; gap:8px; align-items:center; margin-top:8px; color:var(--muted); }
button { font:inherit; padding:3px 10px; border:1px solid var(--line); border-radius:4px; background:#fff; cursor:pointer; }
.muted { color:var(--muted); }
a { color:#1f5fbf; }
#problem { color:var(--bad); }
</style>
</head>
<body>
<header>
  <h1>lottery · <span id="sweep-name">…</span></h1>
  <span class="muted" id="sweep-file"></span>
  <span class="muted" id="sweep-mode"></span>
  <span id="connection">connecting…</span>
</header>
<main>
  <section class="w12" id="progress">
    <h2>Progress</h2>
    <div class="cards">
      <div class="card"><b id="done">0</b><span>done of <span id="total">0</span></span></div>
      <div class="card"><b id="running">0</b><span>running</span></div>
      <div class="card"><b id="queued">0</b><span>queued</span></div>
      <div class="card"><b id="failed">0</b><span>failed</span></div>
      <div class="card"><b id="skipped">0</b><span>skipped</span></div>
      <div class="card"><b id="rate">–</b><span>trials/h</span></div>
      <div class="card"><b id="eta">–</b><span>ETA</span></div>
      <div class="card"><b id="points">0</b><span>metric points</span></div>
    </div>
    <div class="bar" id="bar"></div>
    <div id="problem"></div>
  </section>
  <section class="w4"><h2>Test accuracy at early stop</h2><svg class="plot" id="plot-accuracy" viewBox="0 0 420 280"></svg></section>
  <section class="w4"><h2>Early-stop iteration</h2><svg class="plot" id="plot-iteration" viewBox="0 0 420 280"></svg></section>
  <section class="w4"><h2>Generalization gap (train − test)</h2><svg class="plot" id="plot-gap" viewBox="0 0 420 280"></svg></section>
  <section class="w12"><div class="legend" id="legend"></div>
    <div class="muted" style="font-size:12px;margin-top:4px">Against percent of weights remaining (log scale); mean over seeds with min–max bars, as in the report's plots.</div></section>
  <section class="w8"><h2>Learning curves of running trials (test accuracy)</h2><svg class="plot" id="plot-live" viewBox="0 0 640 260"></svg><div class="legend" id="live-legend"></div></section>
  <section class="w4"><h2>Workers</h2><table><thead><tr><th>worker</th><th>host</th><th>slots</th><th>running</th><th>last heard</th><th></th></tr></thead><tbody id="workers"></tbody></table></section>
  <section class="w8"><h2>Trials</h2>
    <div class="filters">
      level <input id="f-level" type="number" min="0">
      branch <select id="f-branch"><option value="">any</option><option>dense</option><option>ticket</option><option>one-shot</option><option>reinit</option><option>random-prune</option></select>
      seed <input id="f-seed">
      state <select id="f-state"><option value="">any</option><option>pending</option><option>running</option><option>done</option><option>failed</option><option>skipped</option></select>
      <span class="muted" id="matching"></span>
      <span style="margin-left:auto">CSV: <a href="/api/tables/trials.csv">trials</a> · <a href="/api/tables/summary.csv">summary</a> · <a href="/api/tables/metrics.csv">metrics</a></span>
    </div>
    <table id="trials-table"><thead><tr>
      <th class="sortable" data-key="position">#</th><th>trial</th><th class="sortable" data-key="level">level</th>
      <th class="sortable" data-key="branch">branch</th><th class="sortable" data-key="seed">seed</th>
      <th class="sortable" data-key="state">state</th><th class="sortable" data-key="attempts">attempts</th>
      <th class="sortable" data-key="weights">weights %</th><th class="sortable" data-key="iteration">early stop</th>
      <th class="sortable" data-key="accuracy">test acc</th><th class="sortable" data-key="worker">worker</th>
    </tr></thead><tbody id="trials"></tbody></table>
    <div class="pager"><button id="prev">‹ prev</button><span id="page"></span><button id="next">next ›</button></div>
  </section>
  <section class="w4" id="trial-detail"><h2>Trial <span id="detail-id" class="muted" style="text-transform:none">(click a row)</span></h2>
    <svg class="plot" id="plot-trial" viewBox="0 0 420 260"></svg><div class="legend" id="trial-legend"></div>
    <div id="detail-text" class="muted"></div></section>
  <section class="w8"><h2>Failures</h2><table><thead><tr><th>trial</th><th>what</th><th>worker</th><th>error</th></tr></thead><tbody id="failures"></tbody></table></section>
  <section class="w4"><h2>Dropped messages</h2><table><tbody id="dropped"></tbody></table></section>
</main>
<script>
"use strict";
const S = { levels: [], curves: new Map(), running: [], rowsVersion: -1, selected: null,
            query: { sort: "position", order: "asc", offset: 0, limit: 50 }, trialsLoading: false, trialsAgain: false };
const $ = id => document.getElementById(id);
const NS = "http://www.w3.org/2000/svg";
const COLORS = { ticket: "#1f5fbf", dense: "#1f5fbf", "one-shot": "#7b3fb2", reinit: "#d9730d", "random-prune": "#2e8540" };
const GROUP_SHADES = [1, 0.62, 0.4, 0.8, 0.5];

function api(path) {
  return fetch(path, { credentials: "same-origin", cache: "no-store" }).then(r =>
    r.ok ? r.json() : r.json().then(e => { throw new Error(e.error || ("HTTP " + r.status)); }));
}
function fmtDuration(s) {
  if (s == null || !isFinite(s)) return "–";
  s = Math.round(s);
  if (s >= 3600) return Math.floor(s / 3600) + "h" + String(Math.floor(s % 3600 / 60)).padStart(2, "0") + "m";
  if (s >= 60) return Math.floor(s / 60) + "m" + String(s % 60).padStart(2, "0") + "s";
  return s + "s";
}
function text(el, value) { el.textContent = value; }
function el(tag, attrs, parent) {
  const node = document.createElementNS(NS, tag);
  for (const k in attrs) node.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(node);
  return node;
}
function cell(tr, value, cls) { const td = document.createElement("td"); td.textContent = value == null ? "" : value; if (cls) td.className = cls; tr.appendChild(td); return td; }

// A plot: series [{label, color, dash, points:[{x, y, lo, hi}]}]; x on a log scale, reversed, when logX.
function plot(svg, series, o) {
  svg.replaceChildren();
  const W = svg.viewBox.baseVal.width, H = svg.viewBox.baseVal.height, L = 52, R = 10, T = 10, B = 34;
  const all = series.flatMap(s => s.points).filter(p => isFinite(p.x) && isFinite(p.y));
  if (all.length === 0) { const t = el("text", { x: W / 2, y: H / 2, "text-anchor": "middle" }, svg); t.textContent = o.empty || "no finished trials yet"; return; }
  const fx = o.logX ? (v => Math.log10(Math.max(v, 1e-3))) : (v => v);
  let x0 = Math.min(...all.map(p => fx(p.x))), x1 = Math.max(...all.map(p => fx(p.x)));
  let y0 = Math.min(...all.map(p => p.lo ?? p.y)), y1 = Math.max(...all.map(p => p.hi ?? p.y));
  if (x1 - x0 < 1e-9) { x0 -= 0.5; x1 += 0.5; }
  if (y1 - y0 < 1e-9) { y0 -= Math.abs(y0) * 0.05 + 0.01; y1 += Math.abs(y1) * 0.05 + 0.01; }
  const pad = (y1 - y0) * 0.06; y0 -= pad; y1 += pad;
  const sx = v => o.logX ? L + (x1 - fx(v)) / (x1 - x0) * (W - L - R) : L + (fx(v) - x0) / (x1 - x0) * (W - L - R);
  const sy = v => T + (y1 - v) / (y1 - y0) * (H - T - B);
  for (let i = 0; i <= 4; i++) {
    const v = y0 + (y1 - y0) * i / 4, y = sy(v);
    el("line", { x1: L, x2: W - R, y1: y, y2: y, class: "grid" }, svg);
    el("text", { x: L - 4, y: y + 4, "text-anchor": "end" }, svg).textContent = o.fmtY ? o.fmtY(v) : v.toFixed(2);
  }
  const ticks = o.logX ? [100, 50, 20, 10, 5, 2, 1, 0.5, 0.2, 0.1].filter(t => fx(t) >= x0 - 1e-9 && fx(t) <= x1 + 1e-9)
                       : Array.from({ length: 5 }, (_, i) => x0 + (x1 - x0) * i / 4);
  for (const t of ticks) {
    const x = sx(o.logX ? t : t);
    el("line", { x1: x, x2: x, y1: H - B, y2: H - B + 4, class: "axis" }, svg);
    el("text", { x: x, y: H - B + 16, "text-anchor": "middle" }, svg).textContent = o.logX ? String(t) : Math.round(t);
  }
  el("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, class: "axis" }, svg);
  el("line", { x1: L, x2: L, y1: T, y2: H - B, class: "axis" }, svg);
  el("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, svg).textContent = o.xLabel;
  for (const s of series) {
    const pts = s.points.filter(p => isFinite(p.x) && isFinite(p.y)).sort((a, b) => o.logX ? b.x - a.x : a.x - b.x);
    if (pts.length === 0) continue;
    const g = el("g", { class: "series", "data-label": s.label }, svg);
    if (pts.length > 1) el("path", { d: pts.map((p, i) => (i ? "L" : "M") + sx(p.x).toFixed(1) + " " + sy(p.y).toFixed(1)).join(" "),
                                      fill: "none", stroke: s.color, "stroke-width": 1.6, "stroke-dasharray": s.dash || "" }, g);
    if (o.markers === false) continue;
    for (const p of pts) {
      if (p.lo != null && p.hi != null && p.hi > p.lo) el("line", { x1: sx(p.x), x2: sx(p.x), y1: sy(p.lo), y2: sy(p.hi), stroke: s.color, "stroke-width": 1 }, g);
      const c = el("circle", { cx: sx(p.x), cy: sy(p.y), r: 3, fill: s.color, class: "pt" }, g);
      el("title", {}, c).textContent = s.label + ": " + p.x.toFixed(1) + "% → " + (o.fmtY ? o.fmtY(p.y) : p.y.toFixed(3));
    }
  }
}
function shade(hex, f) {
  const n = parseInt(hex.slice(1), 16), r = n >> 16, g = n >> 8 & 255, b = n & 255;
  const mix = c => Math.round(c * f + 255 * (1 - f));
  return "rgb(" + mix(r) + "," + mix(g) + "," + mix(b) + ")";
}
function renderPlots() {
  // A chain's series starts at its dense run: the dense point joins the pruned levels' series.
  const groups = new Map();
  for (const p of S.levels) {
    const kinds = p.branch === "dense" ? ["ticket", "one-shot"] : [p.branch];
    for (const kind of kinds) {
      const key = p.group + "|" + kind;
      if (!groups.has(key)) groups.set(key, { group: p.group, label: p.groupLabel, kind: kind, levels: [] });
      groups.get(key).levels.push(p);
    }
  }
  const series = [...groups.values()].filter(s => s.levels.some(p => p.branch !== "dense") || s.kind === "ticket");
  const make = figure => series.map(s => ({
    label: (s.label ? s.label + " " : "") + s.kind,
    color: shade(COLORS[s.kind] || "#555", GROUP_SHADES[s.group % GROUP_SHADES.length]),
    dash: s.kind === "reinit" || s.kind === "random-prune" ? "5 3" : "",
    points: s.levels.filter(p => p[figure]).map(p => ({ x: p.weights, y: p[figure].mean, lo: p[figure].min, hi: p[figure].max }))
  }));
  plot($("plot-accuracy"), make("accuracy"), { logX: true, xLabel: "weights remaining %", fmtY: v => (100 * v).toFixed(1) + "%" });
  plot($("plot-iteration"), make("iteration"), { logX: true, xLabel: "weights remaining %", fmtY: v => Math.round(v) });
  plot($("plot-gap"), make("gap"), { logX: true, xLabel: "weights remaining %", fmtY: v => (100 * v).toFixed(1) + "%" });
  const legend = $("legend"); legend.replaceChildren();
  for (const s of make("accuracy")) {
    const span = document.createElement("span");
    span.innerHTML = '<i style="background:' + s.color + '"></i>';
    span.append(s.label);
    legend.appendChild(span);
  }
}
const LIVE = ["#1f5fbf", "#d9730d", "#2e8540", "#7b3fb2", "#b3261e", "#0f7c8c", "#8c6d0f", "#555"];
function renderLive() {
  const series = S.running.map((id, i) => {
    const c = S.curves.get(id);
    return { label: id.slice(0, 8) + " L" + c.level + " " + c.branch, color: LIVE[i % LIVE.length],
             points: c.points.filter(p => p.split === "test" && p.accuracy != null).map(p => ({ x: p.iteration, y: p.accuracy })) };
  });
  plot($("plot-live"), series, { xLabel: "iteration", fmtY: v => (100 * v).toFixed(1) + "%", markers: false, empty: "no trial is running" });
  const legend = $("live-legend"); legend.replaceChildren();
  for (const s of series) { const span = document.createElement("span"); span.innerHTML = '<i style="background:' + s.color + '"></i>'; span.append(s.label); legend.appendChild(span); }
}
function renderProgress(sweep, p) {
  if (sweep) {
    text($("sweep-name"), sweep.name || "(no sweep yet)"); text($("sweep-file"), sweep.file);
    text($("sweep-mode"), sweep.live ? "coordinator in this process" : "served from " + sweep.journal);
    document.title = "lottery · " + sweep.name;
  }
  text($("done"), p.done); text($("total"), p.total); text($("running"), p.running); text($("queued"), p.queued);
  text($("failed"), p.failed); text($("skipped"), p.skipped);
  text($("rate"), p.trialsPerHour == null ? "–" : Math.round(p.trialsPerHour));
  text($("eta"), p.ended ? p.ended.replace("sweep-", "") : (p.queued + p.running === 0 && p.total > 0 ? "done" : fmtDuration(p.etaSeconds)));
  text($("points"), p.metricPoints.toLocaleString());
  const bar = $("bar"); bar.replaceChildren();
  for (const [k, c] of [["done", "#1b7f3b"], ["running", "#1f5fbf"], ["failed", "#b3261e"], ["skipped", "#9aa1b0"]]) {
    const i = document.createElement("i"); i.style.width = (p.total ? 100 * p[k] / p.total : 0) + "%"; i.style.background = c; bar.appendChild(i);
  }
}
function renderWorkers(workers, live) {
  const body = $("workers"); body.replaceChildren();
  if (workers.length === 0) { const tr = body.insertRow(); cell(tr, "no workers yet").colSpan = 6; }
  for (const w of workers) {
    const tr = body.insertRow();
    cell(tr, w.name ? w.name + " (" + w.id + ")" : w.id); cell(tr, w.host); cell(tr, w.slots + "×" + w.threads);
    cell(tr, w.running); cell(tr, w.connected ? w.lastHeardSeconds.toFixed(1) + " s ago" : "gone");
    cell(tr, w.quarantined ? "quarantined" : "", w.quarantined ? "state-failed" : "");
  }
}
function renderProblems(failures, dropped) {
  const body = $("failures"); body.replaceChildren();
  if (failures.length === 0) { const tr = body.insertRow(); cell(tr, "none").colSpan = 4; }
  for (const f of failures) {
    const tr = body.insertRow();
    cell(tr, f.trial.slice(0, 12)); cell(tr, f.kind === "failed" ? "failed after " + f.attempts + " attempts" : "attempt failed");
    cell(tr, f.worker || ""); cell(tr, f.error, "error");
  }
  const d = $("dropped"); d.replaceChildren();
  const names = Object.keys(dropped).sort();
  if (names.length === 0) { const tr = d.insertRow(); cell(tr, "none"); }
  for (const n of names) { const tr = d.insertRow(); cell(tr, n); cell(tr, dropped[n]); }
}
function trialsURL() {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(S.query)) q.set(k, v);
  const level = $("f-level").value, branch = $("f-branch").value, seed = $("f-seed").value.trim(), state = $("f-state").value;
  if (level !== "") q.set("level", level);
  if (branch) q.set("branch", branch);
  if (seed) q.set("seed", seed);
  if (state) q.set("state", state);
  return "/api/trials?" + q.toString();
}
function loadTrials() {
  if (S.trialsLoading) { S.trialsAgain = true; return; }
  S.trialsLoading = true;
  api(trialsURL()).then(page => {
    const body = $("trials"); body.replaceChildren();
    for (const t of page.trials) {
      const tr = body.insertRow(); tr.className = "trial" + (t.id === S.selected ? " selected" : ""); tr.dataset.id = t.id;
      cell(tr, t.position); cell(tr, t.id.slice(0, 12)); cell(tr, t.level); cell(tr, t.branch); cell(tr, t.seed);
      cell(tr, t.state, "state-" + t.state); cell(tr, t.attempts);
      cell(tr, t.weightsRemaining == null ? "" : t.weightsRemaining.toFixed(1));
      cell(tr, t.earlyStopIteration == null ? "" : t.earlyStopIteration);
      cell(tr, t.earlyStopTestAccuracy == null ? "" : (100 * t.earlyStopTestAccuracy).toFixed(2) + "%");
      cell(tr, t.worker || "");
      tr.addEventListener("click", () => selectTrial(t));
    }
    text($("matching"), page.matching + " of " + page.total + " trials");
    const last = Math.max(0, Math.ceil(page.matching / page.limit) - 1), at = Math.floor(page.offset / page.limit);
    text($("page"), "page " + (at + 1) + " of " + (last + 1));
    $("prev").disabled = at === 0; $("next").disabled = at >= last;
    $("problem").textContent = "";
  }).catch(e => { $("problem").textContent = "trials: " + e.message; })
    .finally(() => { S.trialsLoading = false; if (S.trialsAgain) { S.trialsAgain = false; loadTrials(); } });
}
function selectTrial(t) {
  S.selected = t.id; S.selectedTrial = t;
  for (const tr of $("trials").rows) tr.classList.toggle("selected", tr.dataset.id === t.id);
  loadCurve();
}
function loadCurve() {
  const t = S.selectedTrial; if (!t) return;
  api("/api/trials/" + t.id + "/curves").then(c => {
    text($("detail-id"), t.id + " · level " + t.level + " " + t.branch + " · seed " + t.seed);
    const series = [["test", "accuracy", "#1f5fbf", ""], ["validation", "accuracy", "#2e8540", "4 2"], ["train", "accuracy", "#d9730d", "2 2"]]
      .map(([split, key, color, dash]) => ({ label: split + " " + key, color: color, dash: dash,
        points: c.points.filter(p => p.split === split && p[key] != null).map(p => ({ x: p.iteration, y: p[key] })) }));
    plot($("plot-trial"), series, { xLabel: "iteration", fmtY: v => (100 * v).toFixed(1) + "%", markers: false, empty: "no points streamed yet" });
    const legend = $("trial-legend"); legend.replaceChildren();
    for (const s of series) { const span = document.createElement("span"); span.innerHTML = '<i style="background:' + s.color + '"></i>'; span.append(s.label); legend.appendChild(span); }
    text($("detail-text"), c.points.length + " points" + (c.attempt ? " of attempt " + c.attempt : "") + (t.error ? " · " + t.error : ""));
  }).catch(e => text($("detail-text"), e.message));
}
function apply(m) {
  if (m.progress) renderProgress(m.sweep, m.progress);
  if (m.levels) { S.levels = m.levels; renderPlots(); }
  if (m.workers) renderWorkers(m.workers);
  if (m.failures) renderProblems(m.failures, m.dropped || {});
  for (const c of m.curves) {
    const known = S.curves.get(c.trial);
    const points = (known && c.from > 0 ? known.points.slice(0, c.from) : []).concat(c.points);
    S.curves.set(c.trial, { level: c.level, branch: c.branch, attempt: c.attempt, points: points });
  }
  for (const id of [...S.curves.keys()]) if (!m.running.includes(id)) S.curves.delete(id);
  S.running = m.running;
  renderLive();
  if (m.rowsVersion !== S.rowsVersion) {
    S.rowsVersion = m.rowsVersion; loadTrials();
    if (S.selected && S.running.includes(S.selected)) loadCurve();
  }
}
function connect() {
  const source = new EventSource("/api/stream");
  source.addEventListener("state", e => apply(JSON.parse(e.data)));
  source.onopen = () => { text($("connection"), "live"); $("connection").className = "live"; };
  source.onerror = () => { text($("connection"), "reconnecting…"); $("connection").className = ""; };
}
for (const th of document.querySelectorAll("th.sortable")) {
  th.addEventListener("click", () => {
    const key = th.dataset.key;
    S.query.order = S.query.sort === key && S.query.order === "asc" ? "desc" : "asc";
    S.query.sort = key; S.query.offset = 0;
    for (const other of document.querySelectorAll("th.sortable")) other.classList.remove("sorted", "desc");
    th.classList.add("sorted"); if (S.query.order === "desc") th.classList.add("desc");
    loadTrials();
  });
}
for (const id of ["f-level", "f-branch", "f-seed", "f-state"]) $(id).addEventListener("change", () => { S.query.offset = 0; loadTrials(); });
$("prev").addEventListener("click", () => { S.query.offset = Math.max(0, S.query.offset - S.query.limit); loadTrials(); });
$("next").addEventListener("click", () => { S.query.offset += S.query.limit; loadTrials(); });
connect();
</script>
</body>
</html>
"""#
}
