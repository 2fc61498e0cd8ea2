/* sockfault report: draws the run in the page's #sf-data (written by
 * harness/report_html.c) as one SVG timeline -- a lane per process, thread,
 * connection, listener, UDP flow and resolver; bytes over time as one path
 * per lane; life events and faults as markers -- and the scenario's rules.
 * Everything is inline: the page fetches nothing.  Markers closer than a
 * marker's width merge into one that counts them (data-count), so the DOM stays
 * small whatever the run's length; zooming in splits them again. */
(function () {
  "use strict";
  var t0 = performance.now();
  var D = JSON.parse(document.getElementById("sf-data").textContent);
  var SVGNS = "http://www.w3.org/2000/svg";
  var KINDS = ["process", "thread", "conn", "listener", "flow", "resolver"];
  var KIND_LABEL = {process: "processes", thread: "threads", conn: "connections", listener: "listeners",
                    flow: "UDP / wire flows", resolver: "resolver"};
  var MARKS = [
    ["connect", "connect", "#2b7bb9"], ["connect-failed", "connect failed", "#c0392b"],
    ["accept", "accept", "#2b7bb9"], ["listen", "listen", "#555"],
    ["fin-in", "FIN in (read 0)", "#16a085"], ["fin-out", "shutdown (FIN out)", "#16a085"],
    ["rst", "reset (ECONNRESET / EPIPE)", "#c0392b"], ["error", "error", "#d35400"],
    ["close", "close", "#333"], ["lookup", "lookup", "#8e44ad"], ["lookup-failed", "lookup failed", "#c0392b"],
    ["wire-syn", "SYN on the wire", "#2b7bb9"], ["wire-fin", "FIN on the wire", "#16a085"],
    ["wire-rst", "RST on the wire", "#c0392b"], ["start", "start", "#555"], ["exit", "exit", "#555"]
  ];
  var LABEL_W = 300, ROW_H = 26, AXIS_H = 28, PAD_R = 16;
  /* markers nearer than their width merge (so none hides another) */
  var MARK_GAP = 8, FAULT_GAP = 13;

  function el(tag, attrs, parent, text) {
    var e = document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function svg(tag, attrs, parent) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmtTime(s) {
    var a = Math.abs(s);
    if (a === 0) return "0 s";
    if (a < 1e-3) return (s * 1e6).toFixed(a < 1e-5 ? 1 : 0) + " \u00b5s";
    if (a < 1) return (s * 1e3).toFixed(a < 1e-2 ? 2 : a < 0.1 ? 1 : 0) + " ms";
    return s.toFixed(a < 10 ? 3 : a < 100 ? 2 : 1) + " s";
  }
  function fmtBytes(b) {
    if (b < 1024) return b + " B";
    if (b < 1048576) return (b / 1024).toFixed(1) + " KiB";
    if (b < 1073741824) return (b / 1048576).toFixed(1) + " MiB";
    return (b / 1073741824).toFixed(2) + " GiB";
  }
  function lowerBound(arr, x) {
    var lo = 0, hi = arr.length;
    while (lo < hi) { var m = (lo + hi) >> 1; if (arr[m] < x) lo = m + 1; else hi = m; }
    return lo;
  }

  /* --- the model, per lane, sorted by time --- */
  var duration = Math.max(D.duration, 1e-6);
  var lanes = D.lanes.map(function (l, i) {
    return {i: i, kind: KINDS[l[0]], label: l[1], parent: l[2], start: l[3], end: l[4], local: l[5], peer: l[6],
            pid: l[7], data: [], marks: [], faults: [], shown: true, bytesOut: 0, bytesIn: 0};
  });
  D.data.forEach(function (d) {
    var l = lanes[d[1]];
    l.data.push(d);
    l.bytesOut += d[2];
    l.bytesIn += d[3];
  });
  D.marks.forEach(function (m) { lanes[m[1]].marks.push(m); });
  D.faults.forEach(function (f) { lanes[f[1]].faults.push(f); });
  function byTime(a, b) { return a[0] - b[0]; }
  lanes.forEach(function (l) {
    l.data.sort(byTime); l.marks.sort(byTime); l.faults.sort(byTime);
    l.dataT = new Float64Array(l.data.map(function (d) { return d[0]; }));
    l.marksT = new Float64Array(l.marks.map(function (d) { return d[0]; }));
    l.faultsT = new Float64Array(l.faults.map(function (d) { return d[0]; }));
  });
  var rules = {};
  D.rules.forEach(function (r) { rules[r.id] = r; r.shown = true; });
  function ruleText(id) {
    var r = rules[id];
    if (!r) return "rule " + id;
    return "rule " + id + " (line " + r.line + ")" + (r.text ? ": " + r.text : "");
  }

  /* --- page skeleton --- */
  var body = document.body;
  var head = el("header", {}, body);
  el("h1", {}, head, D.title);
  var meta = el("p", {"class": "meta"}, head);
  meta.textContent = "sockfault " + D.version + " \u00b7 scenario " + (D.scenario || "(none)") + " \u00b7 seed " +
    D.seed + " \u00b7 " + fmtTime(D.duration) + " \u00b7 " + lanes.length + " lanes \u00b7 " + D.events.faults +
    " faults, " + D.events.marks + " connection events, " + D.events.data + " data calls" +
    (D.binWidth > 0 ? " (data shown in bins of " + fmtTime(D.binWidth) + ")" : "");

  var controls = el("div", {"class": "controls"}, body);
  var filter = el("input", {id: "lane-filter", type: "search", placeholder: "filter lanes (label, address)"}, controls);
  KINDS.forEach(function (k) {
    if (!lanes.some(function (l) { return l.kind === k; })) return;
    var lab = el("label", {"class": "kind"}, controls);
    var cb = el("input", {type: "checkbox", "class": "kind-toggle", "data-kind": k}, lab);
    cb.checked = true;
    lab.appendChild(document.createTextNode(" " + KIND_LABEL[k]));
  });
  var zin = el("button", {id: "zoom-in", type: "button", title: "zoom in (or mouse wheel)"}, controls, "+");
  var zout = el("button", {id: "zoom-out", type: "button", title: "zoom out"}, controls, "\u2212");
  var zreset = el("button", {id: "zoom-reset", type: "button", title: "whole run (or double-click)"}, controls, "whole run");
  var range = el("span", {id: "range", "class": "range"}, controls);

  var main = el("div", {"class": "main"}, body);
  var scroller = el("div", {id: "timeline", "class": "timeline"}, main);
  var side = el("aside", {"class": "side"}, main);
  el("h2", {}, side, "Details");
  var details = el("div", {id: "details", "class": "details"}, side,
                   "Click a marker to see its event; hover for a summary. Drag to pan, wheel to zoom.");
  var legend = el("div", {"class": "legend"}, side);
  el("h2", {}, legend, "Legend");
  var lg = el("ul", {}, legend);
  var li = el("li", {}, lg);
  li.innerHTML = '<svg width="14" height="14"><path d="M7 1 L13 7 L7 13 L1 7 Z" fill="#e03131"/></svg> fault (number: how many)';
  li = el("li", {}, lg);
  li.innerHTML = '<svg width="14" height="14"><rect x="1" y="2" width="12" height="5" fill="#4c9be8"/><rect x="1" y="7" width="12" height="5" fill="#69c08a"/></svg> bytes sent (up) / received (down)';
  li = el("li", {}, lg);
  li.innerHTML = '<svg width="14" height="14"><rect x="1" y="5" width="12" height="4" fill="#f59f00"/></svg> link delay';
  MARKS.forEach(function (m) {
    var e = el("li", {}, lg);
    var s = svg("svg", {width: 14, height: 14}, e);
    svg("circle", {cx: 7, cy: 7, r: 4, fill: m[2]}, s);
    e.appendChild(document.createTextNode(" " + m[1]));
  });

  var rulesBox = el("section", {"class": "rules"}, body);
  el("h2", {}, rulesBox, "Rules");
  var table = el("table", {id: "rules"}, rulesBox);
  var thead = el("thead", {}, table);
  var hr = el("tr", {}, thead);
  ["show", "rule", "line", "scenario line", "action", "matching calls", "fired"].forEach(function (h) {
    el("th", {}, hr, h);
  });
  var tbody = el("tbody", {}, table);
  var warnings = el("ul", {id: "warnings", "class": "warnings"}, rulesBox);
  D.rules.forEach(function (r) {
    var tr = el("tr", {"class": "rule" + (r.fired ? "" : " unfired"), "data-rule": r.id}, tbody);
    var td = el("td", {}, tr);
    var cb = el("input", {type: "checkbox", "class": "rule-toggle", "data-rule": r.id}, td);
    cb.checked = true;
    cb.addEventListener("change", function () { r.shown = cb.checked; schedule(); });
    el("td", {}, tr, String(r.id));
    el("td", {}, tr, String(r.line));
    el("td", {}, tr).appendChild(el("code", {}, null, r.text || ""));
    el("td", {}, tr, r.action || "");
    el("td", {"class": "num"}, tr, r.matched === null ? "?" : String(r.matched));
    el("td", {"class": "num"}, tr, String(r.fired));
    if (!r.fired)
      el("li", {"class": "warning", "data-rule": r.id}, warnings,
         "warning: rule " + r.id + " (line " + r.line + ") " + r.action + " never fired (" +
         (r.matched === null ? "?" : r.matched) + " matching calls)");
  });
  if (!D.rules.length) el("p", {}, rulesBox, "No scenario rules in this run.");

  /* --- view state --- */
  /* The first view spans the run's activity (a program's start-up before
   * its first socket would otherwise fill most of the axis); "whole run"
   * shows everything from the first process's start. */
  var act0 = duration, act1 = 0;
  [D.data, D.marks, D.faults].forEach(function (list) {
    list.forEach(function (p) { if (p[0] < act0) act0 = p[0]; if (p[0] > act1) act1 = p[0]; });
  });
  var home = act1 > act0 ? {t0: Math.max(0, act0 - (act1 - act0) * 0.03), t1: Math.min(duration, act1 + (act1 - act0) * 0.03)}
                         : {t0: 0, t1: duration};
  var view = {t0: home.t0, t1: home.t1};
  var plotW = 800;
  function x(t) { return LABEL_W + (t - view.t0) / (view.t1 - view.t0) * plotW; }
  function tAt(px) { return view.t0 + (px - LABEL_W) / plotW * (view.t1 - view.t0); }

  if (!lanes.length)
    el("p", {id: "empty", "class": "empty"}, scroller, "No socket activity was recorded in this run.");
  var root = svg("svg", {id: "timeline-svg", "class": "tl"}, scroller);
  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; render(); });
  }

  function visibleLanes() {
    var q = filter.value.trim().toLowerCase();
    var kinds = {};
    document.querySelectorAll(".kind-toggle").forEach(function (c) { kinds[c.getAttribute("data-kind")] = c.checked; });
    return lanes.filter(function (l) {
      if (kinds[l.kind] === false) return false;
      if (!q) return true;
      return (l.label + " " + (l.local || "") + " " + (l.peer || "")).toLowerCase().indexOf(q) >= 0;
    });
  }

  function axis(g, height) {
    var span = view.t1 - view.t0, target = plotW / 110;
    var raw = span / target, p = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * p; }).filter(function (s) { return s >= raw; })[0] || 10 * p;
    var first = Math.ceil(view.t0 / step) * step;
    for (var t = first; t <= view.t1 + step * 1e-9; t += step) {
      var xx = x(t);
      svg("line", {x1: xx, x2: xx, y1: AXIS_H - 6, y2: height, "class": "grid"}, g);
      var tx = svg("text", {x: xx + 3, y: AXIS_H - 10, "class": "tick"}, g);
      tx.textContent = fmtTime(t);
    }
  }

  /* Points of one lane in view, merged per CLUSTER_PX pixels and per kind
   * (marks) or rule (faults). */
  function clusters(list, times, keyOf, gap) {
    var lo = lowerBound(times, view.t0), hi = lowerBound(times, view.t1 + 1e-12);
    var out = [], open = {};
    for (var i = lo; i < hi; i++) {
      var p = list[i], key = keyOf(p);
      if (key === null) continue;
      var px = x(p[0]), c = open[key];
      if (c && px - c.px < gap) { c.count += p[3]; c.items.push(p); continue; }
      c = {px: px, key: key, count: p[3], items: [p], t: p[0]};
      open[key] = c;
      out.push(c);
    }
    return out;
  }

  function bytesPaths(g, l, y) {
    var lo = lowerBound(l.dataT, view.t0 - (D.binWidth || 0)), hi = lowerBound(l.dataT, view.t1 + 1e-12);
    if (lo >= hi) return;
    /* columns of BIN_PX pixels: one call stays visible */
    var BIN_PX = 3, cols = Math.max(1, Math.ceil(plotW / BIN_PX)), outs = new Float64Array(cols), ins = new Float64Array(cols);
    var link = new Float64Array(cols), any = false, anyLink = false;
    for (var i = lo; i < hi; i++) {
      var d = l.data[i], c = Math.floor((x(d[0]) - LABEL_W) / BIN_PX);
      if (c < 0) c = 0;
      if (c >= cols) c = cols - 1;
      outs[c] += d[2]; ins[c] += d[3];
      if (d[5] > link[c]) { link[c] = d[5]; anyLink = true; }
      any = true;
    }
    if (!any) return;
    var max = 1;
    for (i = 0; i < cols; i++) { if (outs[i] > max) max = outs[i]; if (ins[i] > max) max = ins[i]; }
    var h = ROW_H / 2 - 3, po = "", pi = "", pl = "";
    for (i = 0; i < cols; i++) {
      var xx = LABEL_W + i * BIN_PX, bw = BIN_PX - 1;
      if (outs[i]) { var ho = Math.max(2, outs[i] / max * h); po += "M" + xx + " " + (y - ho).toFixed(1) + "h" + bw + "v" + ho.toFixed(1) + "h-" + bw + "z"; }
      if (ins[i]) { var hi2 = Math.max(2, ins[i] / max * h); pi += "M" + xx + " " + y + "h" + bw + "v" + hi2.toFixed(1) + "h-" + bw + "z"; }
      if (link[i]) {
        var w = Math.max(1, link[i] / 1e9 / (view.t1 - view.t0) * plotW);
        pl += "M" + xx + " " + (y - 1.5) + "h" + w.toFixed(1) + "v3h-" + w.toFixed(1) + "z";
      }
    }
    if (po) svg("path", {d: po, "class": "bytes-out"}, g);
    if (pi) svg("path", {d: pi, "class": "bytes-in"}, g);
    if (anyLink && pl) svg("path", {d: pl, "class": "link-delay"}, g);
  }

  function ruleSet(c) {
    var seen = {}, out = [];
    c.items.forEach(function (p) { if (!seen[p[2]]) { seen[p[2]] = 1; out.push(p[2]); } });
    return out.join(" ");
  }

  function pointTitle(c, fault) {
    var first = c.items[0], s;
    if (fault) s = (c.count > 1 ? c.count + " faults, " : "fault, ") +
      ruleSet(c).split(" ").map(function (id) { return ruleText(+id); }).join("; ");
    else s = (c.count > 1 ? c.count + "\u00d7 " : "") + MARKS[first[2]][1];
    return s + " at " + fmtTime(first[0]);
  }

  function render() {
    var start = performance.now();
    plotW = Math.max(200, scroller.clientWidth - LABEL_W - PAD_R);
    while (root.firstChild) root.removeChild(root.firstChild);
    var vis = visibleLanes();
    var height = AXIS_H + vis.length * ROW_H + 4;
    root.setAttribute("width", LABEL_W + plotW + PAD_R);
    root.setAttribute("height", height);
    var ax = svg("g", {"class": "axis"}, root);
    axis(ax, height);
    svg("rect", {x: LABEL_W, y: 0, width: plotW, height: height, "class": "plot-hit"}, root);
    var shownFaults = 0;
    vis.forEach(function (l, row) {
      var y0 = AXIS_H + row * ROW_H, ym = y0 + ROW_H / 2;
      var g = svg("g", {"class": "lane lane-" + l.kind, "data-kind": l.kind, "data-lane": l.i}, root);
      if (row % 2) svg("rect", {x: 0, y: y0, width: LABEL_W + plotW + PAD_R, height: ROW_H, "class": "stripe"}, g);
      var depth = l.kind === "process" ? 0 : 1, p = l.parent;
      while (p >= 0 && depth < 8) { depth++; p = lanes[p].parent; }
      var label = svg("text", {x: 6 + depth * 10, y: ym + 4, "class": "label"}, g);
      label.textContent = l.label;
      var tt = svg("title", {}, label);
      tt.textContent = l.label + (l.local ? "\nlocal " + l.local : "") + (l.peer ? "\npeer " + l.peer : "") +
        "\n" + fmtTime(l.start) + " \u2013 " + fmtTime(l.end) +
        (l.bytesOut || l.bytesIn ? "\nsent " + fmtBytes(l.bytesOut) + ", received " + fmtBytes(l.bytesIn) : "");
      /* the lane's life */
      var a = Math.max(view.t0, l.start), b = Math.min(view.t1, l.end);
      if (b >= a)
        svg("rect", {x: x(a), y: ym - (l.kind === "process" ? 4 : 2), width: Math.max(1, x(b) - x(a)),
                     height: l.kind === "process" ? 8 : 4, "class": "life life-" + l.kind}, g);
      bytesPaths(g, l, ym);
      clusters(l.marks, l.marksT, function (m) { return m[2]; }, MARK_GAP).forEach(function (c) {
        var m = MARKS[c.key] || ["?", "?", "#999"];
        var e = svg("circle", {cx: c.px, cy: ym, r: c.count > 1 ? 4.5 : 3.5, fill: m[2],
                               "class": "mark mark-" + m[0], "data-count": c.count, tabindex: 0}, g);
        svg("title", {}, e).textContent = pointTitle(c, false);
        e.addEventListener("click", function () { show(c, false); });
      });
      var labelEnd = 0;
      /* one marker per few pixels whatever the rules: markers of two
       * rules never hide each other; the details list each event */
      clusters(l.faults, l.faultsT, function (f) {
        return rules[f[2]] && !rules[f[2]].shown ? null : 0;
      }, FAULT_GAP).forEach(function (c) {
        /* a count where it has room (a number is ~7 px a digit) */
        var s = c.count > 1 ? 7 : 6;
        var e = svg("path", {d: "M" + c.px + " " + (ym - s) + "l" + s + " " + s + "l-" + s + " " + s + "l-" + s + " -" + s + "z",
                             "class": "fault", "data-rule": c.items[0][2], "data-rules": ruleSet(c), "data-count": c.count,
                             "data-lane": l.i, tabindex: 0}, g);
        svg("title", {}, e).textContent = pointTitle(c, true);
        e.addEventListener("click", function () { show(c, true); });
        if (c.count > 1 && c.px >= labelEnd) {
          var n = svg("text", {x: c.px + s + 1, y: ym - 3, "class": "fault-count"}, g);
          n.textContent = c.count;
          labelEnd = c.px + s + 4 + 7 * String(c.count).length;
        }
        shownFaults += c.count;
      });
    });
    range.textContent = fmtTime(view.t0) + " \u2013 " + fmtTime(view.t1) + " of " + fmtTime(duration);
    window.sfReport.lanes = vis.length;
    window.sfReport.faults = shownFaults;
    window.sfReport.lastRenderMs = performance.now() - start;
  }

  function show(c, fault) {
    details.textContent = "";
    var first = c.items[0];
    el("h3", {}, details, pointTitle(c, fault));
    if (fault)
      ruleSet(c).split(" ").forEach(function (id) {
        var r = rules[id];
        el("p", {"class": "rule-text", "data-rule": id}, details).appendChild(
          el("code", {}, null, r ? "rule " + id + ", line " + r.line + ": " + (r.text || "") : "rule " + id));
      });
    var shown = 0;
    c.items.forEach(function (p) {
      if (shown >= 20) return;
      var d = p[4] >= 0 ? D.details[p[4]] : null;
      el("pre", {}, details, d ? JSON.stringify(d, null, 1) : "(aggregated: " + p[3] + " events near " + fmtTime(p[0]) + ")");
      shown++;
    });
    if (c.items.length > shown) el("p", {}, details, "\u2026 and " + (c.items.length - shown) + " more");
  }

  /* --- zoom and pan --- */
  function zoom(factor, at) {
    var span = view.t1 - view.t0, ns = Math.min(duration, Math.max(span * factor, 1e-7));
    var frac = (at - view.t0) / span;
    view.t0 = at - frac * ns;
    view.t1 = view.t0 + ns;
    clampView();
    schedule();
  }
  function clampView() {
    var span = view.t1 - view.t0;
    if (view.t0 < 0) { view.t0 = 0; view.t1 = span; }
    if (view.t1 > duration) { view.t1 = duration; view.t0 = Math.max(0, duration - span); }
  }
  zin.addEventListener("click", function () { zoom(0.5, (view.t0 + view.t1) / 2); });
  zout.addEventListener("click", function () { zoom(2, (view.t0 + view.t1) / 2); });
  zreset.addEventListener("click", function () { view.t0 = 0; view.t1 = duration; schedule(); });
  var zhome = el("button", {id: "zoom-activity", type: "button", title: "from the first event to the last"}, null, "activity");
  controls.insertBefore(zhome, range);
  zhome.addEventListener("click", function () { view.t0 = home.t0; view.t1 = home.t1; schedule(); });
  root.addEventListener("dblclick", function () { view.t0 = 0; view.t1 = duration; schedule(); });
  root.addEventListener("wheel", function (ev) {
    var r = root.getBoundingClientRect(), px = ev.clientX - r.left;
    if (px < LABEL_W) return;
    ev.preventDefault();
    zoom(ev.deltaY < 0 ? 0.8 : 1.25, tAt(px));
  }, {passive: false});
  var drag = null;
  root.addEventListener("mousedown", function (ev) {
    var r = root.getBoundingClientRect();
    if (ev.clientX - r.left < LABEL_W || ev.target.classList.contains("fault") || ev.target.classList.contains("mark")) return;
    drag = {x: ev.clientX, t0: view.t0, t1: view.t1};
  });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    var dt = (ev.clientX - drag.x) / plotW * (drag.t1 - drag.t0);
    view.t0 = drag.t0 - dt; view.t1 = drag.t1 - dt;
    clampView();
    schedule();
  });
  window.addEventListener("mouseup", function () { drag = null; });
  filter.addEventListener("input", schedule);
  document.querySelectorAll(".kind-toggle").forEach(function (c) { c.addEventListener("change", schedule); });
  window.addEventListener("resize", schedule);

  window.sfReport = {ready: false, data: D, render: render,
                     zoomTo: function (a, b) { view.t0 = a; view.t1 = b; clampView(); render(); }};
  render();
  window.sfReport.renderMs = performance.now() - t0;
  window.sfReport.ready = true;
})();
