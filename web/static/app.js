// relucid web view: plain JS, no build step. Talks to the JSON API of
// package web and draws with SVG.
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);
const state = { net: null, families: [], job: null, events: null };

// ---------- helpers ----------

async function api(method, url, body, headers) {
  const res = await fetch(url, { method, body, headers });
  let data = null;
  const text = await res.text();
  try { data = JSON.parse(text); } catch (e) { data = { error: text }; }
  if (!res.ok) {
    throw new Error((data && data.error) || res.status + " " + res.statusText);
  }
  return data;
}

function setMsg(id, text, isError) {
  const el = $(id);
  el.textContent = text || "";
  el.classList.toggle("error", !!isError);
}

function el(tag, attrs, parent) {
  const e = document.createElementNS(SVGNS, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

function fmt(v) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(3);
  return String(+v.toPrecision(6));
}

function niceTicks(lo, hi, n) {
  const span = hi - lo, step0 = span / n;
  const mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= n) || 10 * mag;
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * span; t += step) out.push(+t.toPrecision(12));
  return out;
}

// frame draws axes in svg and returns coordinate maps data → pixels.
function frame(svg, xlo, xhi, ylo, yhi) {
  const vb = svg.viewBox.baseVal, W = vb.width, H = vb.height;
  const m = { l: 56, r: 14, t: 14, b: 30 };
  if (yhi - ylo < 1e-12) { ylo -= 1; yhi += 1; }
  const pad = 0.06 * (yhi - ylo); ylo -= pad; yhi += pad;
  const X = (x) => m.l + (x - xlo) / (xhi - xlo) * (W - m.l - m.r);
  const Y = (y) => H - m.b - (y - ylo) / (yhi - ylo) * (H - m.t - m.b);
  el("line", { x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b, class: "axis" }, svg);
  el("line", { x1: m.l, y1: m.t, x2: m.l, y2: H - m.b, class: "axis" }, svg);
  for (const t of niceTicks(xlo, xhi, 8)) {
    el("line", { x1: X(t), y1: H - m.b, x2: X(t), y2: H - m.b + 4, class: "axis" }, svg);
    el("text", { x: X(t), y: H - m.b + 16, "text-anchor": "middle", class: "tick" }, svg).textContent = fmt(t);
  }
  for (const t of niceTicks(ylo, yhi, 6)) {
    el("line", { x1: m.l - 4, y1: Y(t), x2: m.l, y2: Y(t), class: "axis" }, svg);
    el("text", { x: m.l - 7, y: Y(t) + 4, "text-anchor": "end", class: "tick" }, svg).textContent = fmt(t);
  }
  return { X, Y };
}

// ---------- views ----------

function show(view) {
  for (const s of document.querySelectorAll(".view")) s.hidden = s.id !== "view-" + view;
  for (const b of document.querySelectorAll(".tab")) b.classList.toggle("active", b.dataset.view === view);
  if (view === "slice" && state.net) drawSlice();
  if (view === "regions" && state.net) drawRegions();
  if (view === "build" && state.families.length) build();
}

function setNet(info) {
  state.net = info;
  $("current").textContent = "net: " + info.name + " (" + info.inputs + " → " + info.outputs + ", depth " + info.depth + ")";
  const t = $("net-info");
  clear(t);
  const rows = [["name", info.name], ["id", info.id], ["inputs", info.inputs], ["outputs", info.outputs],
    ["depth", info.depth], ["hidden widths", (info.hidden_widths || []).join(", ") || "none"],
    ["size (hidden units)", info.size], ["output bias", info.output_bias ? "yes" : "no"]];
  for (const [k, v] of rows) {
    const tr = t.insertRow();
    tr.insertCell().textContent = k;
    tr.insertCell().textContent = v;
  }
  const d = info.view.domain;
  $("slice-lo").value = d[0];
  $("slice-hi").value = d[1];
  $("slice-x0").value = Array(info.inputs).fill(0).join(",");
  $("slice-d").value = Array(info.inputs).fill(0).map((_, i) => (i === 0 ? 1 : 0)).join(",");
  $("box").value = d[0] + ":" + d[1] + "," + d[0] + ":" + d[1];
  $("slice-out").max = $("regions-out").max = info.outputs - 1;
  $("plane-row").hidden = info.inputs <= 2;
  if (info.inputs > 2) {
    const e = (k) => Array(info.inputs).fill(0).map((_, i) => (i === k ? 1 : 0)).join(",");
    $("plane-x0").value = Array(info.inputs).fill(0).join(",");
    $("plane-u").value = e(0);
    $("plane-v").value = e(1);
  }
}

async function openPath() {
  setMsg("net-msg", "opening…");
  try {
    const info = await api("POST", "/api/net?path=" + encodeURIComponent($("path").value));
    setNet(info);
    setMsg("net-msg", "opened " + info.name);
  } catch (e) { setMsg("net-msg", e.message, true); }
}

async function upload() {
  const f = $("upload-file").files[0];
  if (!f) return;
  setMsg("net-msg", "uploading " + f.name + "…");
  const fd = new FormData();
  fd.append("net", f, f.name);
  try {
    const info = await api("POST", "/api/net", fd);
    setNet(info);
    setMsg("net-msg", "opened " + info.name);
  } catch (e) { setMsg("net-msg", e.message, true); }
}

async function fetchSlice(netID, q) {
  const p = new URLSearchParams(Object.assign({ net: netID }, q));
  return api("GET", "/api/slice1d?" + p);
}

// plotSlice draws a slice (and optional data points) into svg and wires
// hover on the breakpoints to info.
function plotSlice(svg, sl, info, data) {
  clear(svg);
  if (info) info.textContent = sl.breakpoints.length ? "Hover a breakpoint to see its value and slopes." : "";
  let ylo = Math.min(...sl.knot_values), yhi = Math.max(...sl.knot_values);
  if (data) for (const [x, y] of data) { ylo = Math.min(ylo, y); yhi = Math.max(yhi, y); }
  const { X, Y } = frame(svg, sl.lo, sl.hi, ylo, yhi);
  const pts = sl.knots.map((t, i) => X(t).toFixed(2) + "," + Y(sl.knot_values[i]).toFixed(2)).join(" ");
  el("polyline", { points: pts, class: "graph" }, svg);
  if (data) for (const [x, y] of data) el("circle", { cx: X(x), cy: Y(y), r: 4, class: "datapoint" }, svg);
  sl.breakpoints.forEach((t, i) => {
    const c = el("circle", { cx: X(t), cy: Y(sl.values[i]), r: 4.5, class: "breakpoint" }, svg);
    el("title", {}, c).textContent = "t = " + fmt(t) + ", f = " + fmt(sl.values[i]);
    if (info) c.addEventListener("mouseenter", () => {
      info.textContent = "breakpoint t = " + t + "\nf(t) = " + sl.values[i] +
        "\nslope left " + fmt(sl.slopes[i]) + ", right " + fmt(sl.slopes[i + 1]);
    });
  });
}

function sliceCountText(sl) {
  return sl.pieces + " pieces · " + sl.breakpoints.length + " breakpoints on [" + fmt(sl.lo) + ", " + fmt(sl.hi) + "]";
}

async function drawSlice() {
  if (!state.net) { setMsg("slice-msg", "open a net first", true); return; }
  setMsg("slice-msg", "computing…");
  try {
    const sl = await fetchSlice(state.net.id, {
      domain: $("slice-lo").value + ":" + $("slice-hi").value,
      x0: $("slice-x0").value, d: $("slice-d").value, out: $("slice-out").value,
    });
    plotSlice($("slice-svg"), sl, $("slice-info"));
    $("slice-counts").textContent = sliceCountText(sl);
    setMsg("slice-msg", sl.exact ? "exact breakpoints" : "float64 breakpoints");
  } catch (e) {
    clear($("slice-svg"));
    $("slice-counts").textContent = "";
    setMsg("slice-msg", e.message, true);
  }
}

function mapColour(id) {
  const h = (id * 137.508) % 360;
  return "hsl(" + h.toFixed(1) + ", 62%, " + (id % 2 ? 68 : 78) + "%)";
}

// term formats "+ 2·y" / "− 2·y" for the coefficient v.
function term(v, name) {
  return (v < 0 ? " − " : " + ") + fmt(Math.abs(v)) + name;
}

function describeCell(c, i, plane) {
  const [a, b] = plane ? ["s", "t"] : ["x", "y"];
  return "region " + (i + 1) + "\npattern  " + (c.pattern.length ? c.pattern.join(" | ") : "(no hidden layer)") +
    "\naffine map  f(" + a + ", " + b + ") = " + fmt(c.grad[0]) + "·" + a + term(c.grad[1], "·" + b) + term(c.offset, "") +
    "\nmap #" + (c.map + 1) + ", piece #" + (c.piece + 1);
}

function regionCountText(rm) {
  return rm.regions + " regions · " + rm.pieces + " pieces · " + rm.affine_maps + " affine maps";
}

// plotRegions draws a region map into svg (a square viewBox) with hover.
function plotRegions(svg, rm, info) {
  clear(svg);
  info.textContent = "Hover a region to see its activation pattern and affine map.";
  const vb = svg.viewBox.baseVal, W = vb.width, H = vb.height;
  const m = { l: 48, r: 10, t: 10, b: 28 };
  const [bx, by] = rm.box;
  const X = (x) => m.l + (x - bx[0]) / (bx[1] - bx[0]) * (W - m.l - m.r);
  const Y = (y) => H - m.b - (y - by[0]) / (by[1] - by[0]) * (H - m.t - m.b);
  const g = el("g", {}, svg);
  rm.cells.forEach((c, i) => {
    const pts = c.polygon.map((p) => X(p[0]).toFixed(2) + "," + Y(p[1]).toFixed(2)).join(" ");
    const poly = el("polygon", { points: pts, class: "cell", fill: mapColour(c.map), "data-map": c.map, "data-index": i }, g);
    poly.addEventListener("mouseenter", () => {
      for (const q of g.querySelectorAll(".hl")) q.classList.remove("hl");
      poly.classList.add("hl");
      g.appendChild(poly); // draw the outline above the neighbours
      info.textContent = describeCell(c, i, !!rm.plane);
    });
  });
  for (const t of niceTicks(bx[0], bx[1], 6)) {
    el("line", { x1: X(t), y1: H - m.b, x2: X(t), y2: H - m.b + 4, class: "axis" }, svg);
    el("text", { x: X(t), y: H - m.b + 17, "text-anchor": "middle", class: "tick" }, svg).textContent = fmt(t);
  }
  for (const t of niceTicks(by[0], by[1], 6)) {
    el("line", { x1: m.l - 4, y1: Y(t), x2: m.l, y2: Y(t), class: "axis" }, svg);
    el("text", { x: m.l - 7, y: Y(t) + 4, "text-anchor": "end", class: "tick" }, svg).textContent = fmt(t);
  }
}

async function fetchRegions(netID, q) {
  const p = new URLSearchParams(Object.assign({ net: netID }, q));
  return api("GET", "/api/regions?" + p);
}

async function drawRegions() {
  if (!state.net) { setMsg("regions-msg", "open a net first", true); return; }
  if (state.net.inputs < 2) {
    clear($("region-svg"));
    $("region-counts").textContent = "";
    $("region-whole").textContent = "";
    setMsg("regions-msg", "the region map needs a net with at least 2 inputs; this one has " + state.net.inputs + " (see the 1-D slice)", true);
    return;
  }
  setMsg("regions-msg", "computing…");
  const q = { box: $("box").value, out: $("regions-out").value };
  if (state.net.inputs > 2) Object.assign(q, { x0: $("plane-x0").value, u: $("plane-u").value, v: $("plane-v").value });
  try {
    const rm = await fetchRegions(state.net.id, q);
    plotRegions($("region-svg"), rm, $("cell-info"));
    $("region-counts").textContent = regionCountText(rm);
    $("region-whole").textContent = rm.whole ? "on all of R²: " + regionCountText(rm.whole) : "";
    setMsg("regions-msg", (rm.exact ? "exact counts" : "float64 counts") + (rm.plane ? " on the plane (s, t)" : ""));
  } catch (e) {
    clear($("region-svg"));
    $("region-counts").textContent = "";
    $("region-whole").textContent = "";
    setMsg("regions-msg", e.message, true);
  }
}

// ---------- hard families ----------

async function loadFamilies() {
  try {
    state.families = await api("GET", "/api/families");
  } catch (e) { setMsg("build-msg", e.message, true); return; }
  const sel = $("family");
  clear(sel);
  for (const f of state.families) {
    const o = document.createElement("option");
    o.value = f.name; o.textContent = f.name;
    sel.appendChild(o);
  }
  selectFamily();
}

function selectFamily() {
  const f = state.families.find((x) => x.name === $("family").value);
  if (!f) return;
  $("family-title").textContent = f.title;
  const box = $("params");
  clear(box);
  for (const p of f.params) {
    const row = document.createElement("div");
    row.className = "param";
    const lab = document.createElement("label");
    lab.textContent = p.label; lab.htmlFor = "param-" + p.name;
    const inp = document.createElement("input");
    Object.assign(inp, { type: "range", id: "param-" + p.name, min: p.min, max: p.max, step: p.step, value: p.default });
    inp.dataset.name = p.name;
    const val = document.createElement("output");
    val.id = "param-" + p.name + "-value";
    val.textContent = p.default;
    inp.addEventListener("input", () => { val.textContent = inp.value; scheduleBuild(); });
    row.append(lab, inp, val);
    box.appendChild(row);
  }
  if (!$("view-build").hidden) build();
}

let buildTimer = null, buildSeq = 0;
function scheduleBuild() {
  clearTimeout(buildTimer);
  buildTimer = setTimeout(build, 120);
}

async function build() {
  const f = $("family").value, params = {};
  for (const inp of $("params").querySelectorAll("input")) params[inp.dataset.name] = +inp.value;
  const seq = ++buildSeq;
  setMsg("build-msg", "building…");
  try {
    const info = await api("POST", "/api/build", JSON.stringify({ family: f, params }), { "Content-Type": "application/json" });
    if (seq !== buildSeq) return;
    setNet(info);
    const head = "built " + info.name + ": depth " + info.depth + ", size " + info.size + " · ";
    // A quick float64 preview first, then the certified answer.
    for (const exact of ["0", "1"]) {
      const text = await drawBuilt(info, exact);
      if (seq !== buildSeq) return;
      $("build-counts").textContent = text;
      setMsg("build-msg", head + (exact === "1" ? "exact counts" : "float64 preview, certifying…"));
    }
  } catch (e) {
    if (seq === buildSeq) setMsg("build-msg", e.message, true);
  }
}

// drawBuilt draws a built net (region map for R², slice otherwise) and
// returns its counts text.
async function drawBuilt(info, exact) {
  const d = info.view.domain, svg = $("build-svg");
  if (info.inputs === 2) {
    const rm = await fetchRegions(info.id, { box: d[0] + ":" + d[1] + "," + d[0] + ":" + d[1], exact });
    svg.setAttribute("viewBox", "0 0 520 520");
    svg.classList.add("square");
    plotRegions(svg, rm, $("build-info"));
    return regionCountText(rm);
  }
  const sl = await fetchSlice(info.id, { domain: d[0] + ":" + d[1], exact });
  svg.setAttribute("viewBox", "0 0 720 400");
  svg.classList.remove("square");
  plotSlice(svg, sl, $("build-info"));
  return sliceCountText(sl);
}

// ---------- training ----------

function parseCSV(text) {
  const rows = [];
  for (const line of text.split(/\r?\n/)) {
    const cells = line.split(",").map((s) => s.trim());
    if (cells.length < 2 || cells.some((c) => c === "" || isNaN(+c))) continue;
    rows.push(cells.map(Number));
  }
  return rows;
}

async function startTraining() {
  let csv = $("train-csv").value, name = "data.csv";
  const f = $("train-file").files[0];
  if (f) { csv = await f.text(); name = f.name; }
  const q = new URLSearchParams({ width: $("train-width").value, loss: $("train-loss").value, name });
  if ($("train-bias").checked) q.set("output_bias", "1");
  setMsg("train-status", "starting…");
  $("train-objective").textContent = "";
  clear($("train-svg"));
  try {
    const st = await api("POST", "/api/train?" + q, csv, { "Content-Type": "text/csv" });
    state.job = { id: st.id, data: parseCSV(csv) };
    $("train-start").disabled = true;
    $("train-cancel").disabled = false;
    follow(st.id);
  } catch (e) { setMsg("train-status", e.message, true); }
}

function follow(id) {
  if (state.events) state.events.close();
  const es = new EventSource("/api/train/" + id + "/events");
  state.events = es;
  es.addEventListener("status", (ev) => onStatus(JSON.parse(ev.data)));
  es.onerror = () => {
    // The stream ends after the final status; poll once to be sure.
    es.close();
    if (state.job && state.job.id === id && !state.job.finished) {
      api("GET", "/api/train/" + id).then(onStatus).catch((e) => setMsg("train-status", e.message, true));
    }
  };
}

function onStatus(st) {
  if (!state.job || st.id !== state.job.id || state.job.finished) return;
  const p = st.progress || {};
  const bar = $("train-progress");
  if (p.total > 0) { bar.max = p.total; bar.value = p.done; } else bar.removeAttribute("value");
  const best = p.best !== undefined ? ", best objective so far " + fmt(p.best) : "";
  if (st.state === "running") {
    setMsg("train-status", "running: " + p.done + (p.total ? " / " + p.total : "") + " search nodes done" + best + " (" + st.seconds.toFixed(1) + " s)");
    return;
  }
  state.job.finished = true;
  if (state.events) state.events.close();
  $("train-start").disabled = false;
  $("train-cancel").disabled = true;
  if (st.state === "done") {
    bar.max = 1; bar.value = 1;
    setMsg("train-status", "done in " + st.seconds.toFixed(2) + " s");
    const ex = st.extra || {};
    $("train-objective").textContent = "global optimum: objective " + st.objective + " (sum of losses)" +
      (ex.certified === true ? " · certified" : ex.certified === false ? " · NOT certified" : "") +
      (typeof ex.lower_bound === "number" ? " · lower bound " + fmt(ex.lower_bound) : "");
    if (st.net) showTrained(st.net);
  } else {
    bar.max = 1; bar.value = 0;
    setMsg("train-status", st.state + (st.error && st.error !== st.state ? ": " + st.error : ""), st.state === "failed");
  }
}

async function showTrained(netID) {
  try {
    const info = await api("GET", "/api/net/" + netID);
    setNet(info);
    const data = state.job.data;
    if (info.inputs === 2) { setMsg("train-status", $("train-status").textContent + "; see its region map in the Region map view"); return; }
    if (info.inputs !== 1 || !data.length) return;
    let lo = Math.min(...data.map((r) => r[0])), hi = Math.max(...data.map((r) => r[0]));
    const pad = 0.1 * (hi - lo || 1); lo -= pad; hi += pad;
    const sl = await fetchSlice(netID, { domain: lo + ":" + hi });
    plotSlice($("train-svg"), sl, null, data.map((r) => [r[0], r[1]]));
  } catch (e) { setMsg("train-status", e.message, true); }
}

async function cancelTraining() {
  if (!state.job) return;
  try { await api("POST", "/api/train/" + state.job.id + "/cancel"); } catch (e) { setMsg("train-status", e.message, true); }
}

// ---------- wiring ----------

document.addEventListener("DOMContentLoaded", () => {
  for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => show(b.dataset.view));
  $("open-path").addEventListener("click", openPath);
  $("path").addEventListener("keydown", (e) => { if (e.key === "Enter") openPath(); });
  $("upload-file").addEventListener("change", upload);
  $("slice-draw").addEventListener("click", drawSlice);
  $("regions-draw").addEventListener("click", drawRegions);
  $("family").addEventListener("change", selectFamily);
  $("train-start").addEventListener("click", startTraining);
  $("train-cancel").addEventListener("click", cancelTraining);
  show("open");
  loadFamilies();
});
