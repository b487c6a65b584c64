  // ------------------------------------------------------------------ the dashboard: every series, a cursor that seeks
  Player.prototype.charts = function (run) {
    const pal = this.pal, used = new Set(), out = [];
    pal.panels.forEach((p) => {
      const rows = p.rows.filter((r) => run.series[r[0]] || run.dense[r[0]]);
      rows.forEach((r) => used.add(r[0]));
      if (rows.length) out.push({ title: p.title, rows: rows, ref: p.ref, scale: p.scale });
    });
    const names = new Set(Object.keys(run.series).concat(Object.keys(run.dense)));
    Array.from(names).sort().forEach((n) => {
      if (!used.has(n) && !n.startsWith("class_share_")) out.push({ title: n, rows: [[n, "", pal.grey]], ref: null, scale: "linear" });
    });
    return out;
  };
  // the charts, their series, spans and scales are drawn once (per size and data) into a bitmap; each frame draws
  // it, then the cursor, the dots at the snapshot and the legends' values
  Player.prototype.drawDash = function (v) {
    const run = v.run;
    if (!run.charts) run.charts = this.charts(run);
    const CH = 74, c = fit(v.dash, Math.max(run.charts.length * CH + 18, 40));
    const key = c.w + "x" + c.h + "x" + c.dpr + ":" + this.length;
    if (!v.dashCache || v.dashCache.key !== key) {
      const off = document.createElement("canvas");
      off.width = v.dash.width;
      off.height = v.dash.height;
      const og = off.getContext("2d");
      og.setTransform(c.dpr, 0, 0, c.dpr, 0, 0);
      v.dashCache = { key: key, canvas: off, geo: this.dashStatic(v, og, c, run.charts, CH) };
    }
    const g = c.g, geo = v.dashCache.geo;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.drawImage(v.dashCache.canvas, 0, 0);
    g.setTransform(c.dpr, 0, 0, c.dpr, 0, 0);
    const step = this.stepsAll[this.index], i = run.indexAt(step);
    geo.charts.forEach((ch) => {
      let legendX = ch.legendX;
      ch.rows.forEach((r) => {
        const col = r[2], ser = run.series[r[0]], val = ser ? ser[i] : null;
        g.font = "11px sans-serif";
        g.fillStyle = col;
        const label = r[1] + (ser ? (r[1] ? " " : "") + num(val) : "");
        g.fillText(label, legendX, ch.top - 4);
        legendX += g.measureText(label).width + 10;
        if (ser && val !== null && (ch.scale !== "log" || val > 0)) {
          g.beginPath();
          g.arc(geo.X(run.steps[i]), ch.Y(ch.tr(val)), 3, 0, 2 * Math.PI);
          g.fill();
        }
      });
    });
    g.strokeStyle = "#444444"; // the cursor: where the player is; a click on the charts seeks
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(geo.X(step), 10);
    g.lineTo(geo.X(step), c.h - 14);
    g.stroke();
  };
  Player.prototype.dashStatic = function (v, g, c, charts, CH) {
    const run = v.run, pal = this.pal;
    const first = this.stepsAll[0], end = this.stepsAll[this.length - 1], last = end === first ? first + 1 : end;
    const left = 46, right = c.w - 8, X = (s) => left + ((s - first) / (last - first)) * (right - left);
    v.dashBox = { x0: left, x1: right, first: first, last: last };
    const geo = { X: X, charts: [] };
    charts.forEach((ch, k) => {
      const top = k * CH + 16, h = CH - 30;
      const tr = (y) => (ch.scale === "log" ? Math.log10(Math.max(y, 1e-12)) : ch.scale === "symlog" ? Math.sign(y) * Math.log10(1 + Math.abs(y)) : y);
      let lo = Infinity, hi = -Infinity;
      const lines = ch.rows.map((r) => {
        const dense = run.dense[r[0]], ser = run.series[r[0]], pts = [], dpts = [];
        if (ser) run.steps.forEach((s, j) => { if (ser[j] !== null && (ch.scale !== "log" || ser[j] > 0)) pts.push([s, tr(ser[j])]); });
        if (dense) dense.steps.forEach((s, j) => { const y = dense.values[j]; if (y !== null && (ch.scale !== "log" || y > 0)) dpts.push([s, tr(y)]); });
        pts.concat(dpts).forEach((p) => { lo = Math.min(lo, p[1]); hi = Math.max(hi, p[1]); });
        return { row: r, pts: pts, dpts: dpts };
      });
      if (ch.ref) { lo = Math.min(lo, tr(ch.ref[0])); hi = Math.max(hi, tr(ch.ref[0])); }
      if (!isFinite(lo)) { lo = 0; hi = 1; }
      if (hi === lo) { hi += 1; lo -= 1; }
      const Y = (y) => top + h - ((y - lo) / (hi - lo)) * h;
      run.events.forEach((e) => { // the events' spans, as on the video's dashboard
        g.fillStyle = pal.events[e.kind] || "#999999";
        g.globalAlpha = pal.span_alpha;
        g.fillRect(X(e.start), top, Math.max(X(e.end) - X(e.start), 1.5), h);
        g.globalAlpha = 1;
      });
      g.strokeStyle = "#bbbbbb"; g.lineWidth = 1; g.strokeRect(left + 0.5, top + 0.5, right - left, h);
      if (ch.ref) {
        g.setLineDash([4, 3]); g.strokeStyle = "#777777"; g.beginPath(); g.moveTo(left, Y(tr(ch.ref[0]))); g.lineTo(right, Y(tr(ch.ref[0]))); g.stroke(); g.setLineDash([]);
        g.fillStyle = "#777777"; g.font = "10px sans-serif"; g.textAlign = "right"; g.fillText(ch.ref[1], right - 3, Y(tr(ch.ref[0])) - 2); g.textAlign = "left";
      }
      g.fillStyle = "#222222"; g.font = "bold 11px sans-serif"; g.fillText(ch.title, left, top - 4);
      const legendX = left + g.measureText(ch.title).width + 12;
      lines.forEach((ln) => {
        const col = ln.row[2];
        if (ln.dpts.length) { g.strokeStyle = col; g.globalAlpha = 0.45; g.lineWidth = 0.6; poly(g, ln.dpts, X, Y); g.globalAlpha = 1; }
        if (ln.pts.length) { g.strokeStyle = col; g.lineWidth = 1.4; poly(g, ln.pts, X, Y); }
      });
      g.fillStyle = "#666666"; g.font = "10px sans-serif"; g.textAlign = "right";
      const fmt = (y) => (ch.scale === "log" ? num(Math.pow(10, y)) : ch.scale === "symlog" ? num(Math.sign(y) * (Math.pow(10, Math.abs(y)) - 1)) : num(y));
      g.fillText(fmt(hi), left - 3, top + 8); g.fillText(fmt(lo), left - 3, top + h); g.textAlign = "left";
      geo.charts.push({ top: top, rows: ch.rows, scale: ch.scale, tr: tr, Y: Y, legendX: legendX });
    });
    g.fillStyle = "#444444"; g.font = "10px sans-serif";
    if (charts.length) {
      g.fillText(fmtStep(first), left, c.h - 2); g.textAlign = "right"; g.fillText(fmtStep(end) + "  training step", right, c.h - 2); g.textAlign = "left";
    } else g.fillText("no scalars recorded", left, 20);
    return geo;
  };
  function poly(g, pts, X, Y) {
    g.beginPath();
    pts.forEach((p, k) => (k ? g.lineTo(X(p[0]), Y(p[1])) : g.moveTo(X(p[0]), Y(p[1]))));
    g.stroke();
  }
  Player.prototype.dashClick = function (v, e) { this.seekAtX(v.dash, e, v.dashBox); };
