  function axes(g, box, ticksX, ticksY) {
    g.strokeStyle = "#444444";
    g.lineWidth = 1;
    g.strokeRect(box.left + 0.5, box.top + 0.5, box.width - 1, box.height - 1);
    g.fillStyle = "#444444";
    g.font = "11px sans-serif";
    g.textAlign = "center";
    ticksX.forEach((t) => g.fillText(num(t), box.X(t), box.top + box.height + 13));
    g.textAlign = "right";
    (ticksY || []).forEach((t) => g.fillText(num(t), box.left - 4, box.Y(t) + 4));
    g.textAlign = "left";
  }
  function ticks(lo, hi) {
    const span = hi - lo, raw = span / 4, p = Math.pow(10, Math.floor(Math.log10(raw)));
    const stepT = [1, 2, 5, 10].map((m) => m * p).find((m) => span / m <= 5);
    const out = [];
    for (let t = Math.ceil(lo / stepT) * stepT; t <= hi + 1e-9; t += stepT) out.push(Math.round(t / stepT) * stepT);
    return out;
  }
  function arrow(g, x0, y0, x1, y1, head) {
    const dx = x1 - x0, dy = y1 - y0, len = Math.hypot(dx, dy);
    if (!(len > 0.5)) return;
    const ux = dx / len, uy = dy / len, h = Math.min(head, len * 0.5);
    g.beginPath();
    g.moveTo(x0, y0);
    g.lineTo(x1, y1);
    g.stroke();
    g.beginPath();
    g.moveTo(x1, y1);
    g.lineTo(x1 - ux * h - uy * h * 0.5, y1 - uy * h + ux * h * 0.5);
    g.lineTo(x1 - ux * h + uy * h * 0.5, y1 - uy * h - ux * h * 0.5);
    g.closePath();
    g.fill();
  }

  Player.prototype.drawPlane = function (v, c, i) {
    const run = v.run, pal = this.pal, g = c.g, L = this.layers;
    const box = plotBox(run, c.w, c.h, { l: 34, r: KEY_W, t: 8, b: 20 });
    v.box = box;
    this.raster(v, c, box, i);
    g.save();
    g.beginPath();
    g.rect(box.left, box.top, box.width, box.height);
    g.clip();
    if (L.mapping && run.mapping) {
      const m = run.mapping.at(i), tails = run.raw.tails, cols = run.raw.tail_colours;
      g.globalAlpha = 0.6;
      g.lineWidth = 1;
      for (let k = 0; k < tails.length; k++) {
        const hx = m[2 * k], hy = m[2 * k + 1];
        if (!isFinite(hx) || !isFinite(hy)) continue;
        g.strokeStyle = g.fillStyle = cols[k];
        arrow(g, box.X(tails[k][0]), box.Y(tails[k][1]), box.X(hx), box.Y(hy), 6);
      }
      g.globalAlpha = 1;
    }
    const s = run.samples ? run.samples.at(i) : null;
    if (L.samples && s) {
      g.fillStyle = pal.dot;
      g.globalAlpha = 0.75;
      g.beginPath(); // one path for all the dots: one fill
      for (let k = 0; k < s.length; k += 2) {
        if (!isFinite(s[k]) || !isFinite(s[k + 1])) continue;
        const x = box.X(s[k]), y = box.Y(s[k + 1]);
        g.moveTo(x + 1.8, y);
        g.arc(x, y, 1.8, 0, 2 * Math.PI);
      }
      g.fill();
      g.globalAlpha = 1;
    }
    if (L.gradients && run.grad && s) {
      const a = run.grad.at(i), most = run.raw.grad_max;
      g.strokeStyle = g.fillStyle = pal.arrow;
      g.globalAlpha = 0.8;
      g.lineWidth = 1.2;
      for (let k = 0; k < a.length / 2; k++) {
        let dx = a[2 * k], dy = a[2 * k + 1];
        const len = Math.hypot(dx, dy);
        if (!isFinite(len) || !isFinite(s[2 * k])) continue;
        if (len > most) { dx *= most / len; dy *= most / len; }
        arrow(g, box.X(s[2 * k]), box.Y(s[2 * k + 1]), box.X(s[2 * k] + dx), box.Y(s[2 * k + 1] + dy), 5);
      }
      g.globalAlpha = 1;
    }
    if (L.modes && run.raw.modes) {
      g.strokeStyle = g.fillStyle = pal.mode;
      g.lineWidth = 1.5;
      g.font = "bold 11px sans-serif";
      const modes = run.raw.modes;
      const cx = modes.reduce((a, m) => a + m[0], 0) / (modes.length || 1);
      const cy = modes.reduce((a, m) => a + m[1], 0) / (modes.length || 1);
      modes.forEach((m, k) => {
        const x = box.X(m[0]), y = box.Y(m[1]);
        g.beginPath();
        g.moveTo(x - 4, y - 4); g.lineTo(x + 4, y + 4); g.moveTo(x - 4, y + 4); g.lineTo(x + 4, y - 4);
        g.stroke();
        if (modes.length <= 64) {
          const dx = m[0] - cx, dy = m[1] - cy, n = Math.hypot(dx, dy) || 1;
          const ux = n > 1e-9 ? dx / n : 0.7, uy = n > 1e-9 ? dy / n : 0.7;
          g.textAlign = "center";
          g.fillText(String(k), x + ux * 11, y - uy * 11 + 4);
          g.textAlign = "left";
        }
      });
    }
    if (v.hover >= 0 && run.samples) this.drawTrail(v, box, i);
    g.restore();
    axes(g, box, ticks(box.bounds[0][0], box.bounds[0][1]), ticks(box.bounds[1][0], box.bounds[1][1]));
    this.planeKey(v, g, box);
    const peak = run.raw.peak ? run.raw.peak[i] : 0;
    if (L.density && peak >= 1.1) { // the surface view's clipping mark: the density's peak over the scale's top
      const text = "▲ density peak " + (peak >= 9.5 ? peak.toFixed(0) : peak.toFixed(1)) + "× the colour scale's top";
      g.font = "bold 11px sans-serif";
      g.fillStyle = "rgba(255,255,255,0.85)"; // on a box: red on the red density was unreadable
      g.fillRect(box.left + 1, box.top + 1, g.measureText(text).width + 8, 17);
      g.fillStyle = pal.generated;
      g.fillText(text, box.left + 5, box.top + 13);
    }
  };

  // the legend column beside the plot, in the surface view's words: D's bands (fake 0, ½, real 1), the generated
  // density's scale, the modes' marks
  const KEY_W = 92;
  Player.prototype.planeKey = function (v, g, box) {
    const run = v.run, pal = this.pal, luts = this.luts(), levels = pal.levels, x = box.left + box.width + 12;
    const rgb = (word) => "rgb(" + [word & 255, (word >> 8) & 255, (word >> 16) & 255].join(",") + ")";
    g.font = "11px sans-serif";
    g.textAlign = "left";
    let y = box.top + 12;
    if (run.d) {
      const bands = pal.surface_bands, h = Math.min(150, box.height * 0.45), step = h / bands;
      g.fillStyle = "#222222";
      g.fillText("D(x)", x, y);
      y += 6;
      for (let b = 0; b < bands; b++) { // band b from the top is band (bands-1-b) of the lookup table, no density
        g.fillStyle = rgb(luts.surface[(bands - 1 - b) * levels]);
        g.fillRect(x, y + b * step, 12, step + 0.5);
      }
      g.strokeStyle = "#444444";
      g.strokeRect(x + 0.5, y + 0.5, 12, h);
      g.fillStyle = "#222222";
      g.fillText("real 1", x + 16, y + 8);
      g.fillText("½", x + 16, y + h / 2 + 4);
      g.fillText("fake 0", x + 16, y + h);
      y += h + 26;
    }
    if (run.density) {
      const h = Math.min(60, box.height * 0.2);
      g.fillStyle = "#222222";
      g.fillText("G(z) density", x, y);
      y += 6;
      for (let k = 0; k < h; k++) {
        g.fillStyle = rgb(luts.plain[Math.round(((h - 1 - k) / (h - 1)) * (levels - 1))]);
        g.fillRect(x, y + k, 12, 1);
      }
      g.strokeStyle = "#444444";
      g.strokeRect(x + 0.5, y + 0.5, 12, h);
      g.fillStyle = "#222222";
      g.fillText("top", x + 16, y + 8);
      g.fillText("0", x + 16, y + h);
      y += h + 24;
    }
    if (run.raw.modes && run.raw.modes.length) { g.fillStyle = "#222222"; g.fillText("× data modes", x, y); y += 16; }
    if (this.layers.samples && run.samples) {
      g.fillStyle = pal.dot;
      g.beginPath(); g.arc(x + 4, y - 4, 2.5, 0, 2 * Math.PI); g.fill();
      g.fillStyle = "#222222";
      g.fillText("samples G(z)", x + 12, y);
      y += 16;
    }
    g.fillStyle = "#222222";
    if (this.layers.mapping && run.mapping) { g.fillText("→ z ↦ G(z),", x, y); g.fillText("   coloured by z", x, y + 13); y += 30; }
    if (this.layers.gradients && run.grad) { g.fillStyle = pal.arrow; g.fillText("→ where G's loss", x, y); g.fillText("   pushes a sample", x, y + 13); }
  };

  Player.prototype.drawTrail = function (v, box, i) { // the hovered sample's path up to this snapshot
    const g = v.canvas.getContext("2d"), k = v.hover, run = v.run;
    g.strokeStyle = "#111111";
    g.lineWidth = 1.2;
    g.beginPath();
    let started = false;
    for (let j = 0; j <= i; j++) {
      const s = run.samples.at(j), x = s[2 * k], y = s[2 * k + 1];
      if (!isFinite(x) || !isFinite(y)) continue;
      if (!started) { g.moveTo(box.X(x), box.Y(y)); started = true; } else g.lineTo(box.X(x), box.Y(y));
    }
    g.stroke();
    const s = run.samples.at(i);
    g.strokeStyle = "#ffffff";
    g.lineWidth = 2;
    g.beginPath();
    g.arc(box.X(s[2 * k]), box.Y(s[2 * k + 1]), 5, 0, 2 * Math.PI);
    g.stroke();
  };

  Player.prototype.hover = function (v, e) {
    const run = v.run;
    if (!v.box || !run.samples || run.kind === "images" || run.raw.data_dim !== 2 || !this.layers.samples) return;
    const rect = v.canvas.getBoundingClientRect(), mx = e.clientX - rect.left, my = e.clientY - rect.top;
    const s = run.samples.at(v.i), box = v.box;
    let best = -1, bd = 64;
    for (let k = 0; k < s.length / 2; k++) {
      const d = (box.X(s[2 * k]) - mx) ** 2 + (box.Y(s[2 * k + 1]) - my) ** 2;
      if (d < bd) { bd = d; best = k; }
    }
    if (best !== v.hover) { v.hover = best; this.drawView(v); }
    if (best < 0) { this.hideTip(); return; }
    const z = run.latents.at(best), zd = run.raw.latent_dim;
    const zs = Array.from(z.slice(0, Math.min(zd, 4))).map(num).join(", ") + (zd > 4 ? ", …" : "");
    const here = s.slice(2 * best, 2 * best + 2), prev = run.samples.at(Math.max(v.i - 1, 0)).slice(2 * best, 2 * best + 2);
    const first = run.samples.at(0).slice(2 * best, 2 * best + 2);
    this.showTip(e, "sample " + best + " · z = (" + zs + ")\nG(z) = (" + num(here[0]) + ", " + num(here[1]) + ")" +
      "\nmoved from (" + num(prev[0]) + ", " + num(prev[1]) + ") at step " + fmtStep(run.steps[Math.max(v.i - 1, 0)]) +
      "\nstarted at (" + num(first[0]) + ", " + num(first[1]) + ") · the line: its path so far");
  };

  // the 1D figure (Goodfellow et al. 2014, Fig. 1): data density blue, generated red, D green, z line below
  Player.prototype.drawLine = function (v, c, i) {
    const run = v.run, pal = this.pal, g = c.g, L = this.layers;
    const [x0, x1] = run.raw.bounds[0], pad = { l: 34, r: 8, t: 8, b: 20 };
    const left = pad.l, width = c.w - pad.l - pad.r, top = pad.t, height = c.h - pad.t - pad.b;
    const X = (x) => left + ((x - x0) / (x1 - x0)) * width;
    const band = top + height * 0.62, zline = top + height - 6; // densities and D above the axis, z line below
    const Yd = (d) => band - d * (band - top) * 0.8; // D on [0, 1]
    const Yp = (p) => band - Math.min(p, 1) * (band - top); // densities on the figure's one scale (pack.py)
    v.box = { left: left, top: top, width: width, height: height, X: X, bounds: run.raw.bounds };
    const n = run.raw.grid[run.raw.grid.length - 1];
    const gx = (k) => x0 + ((k + 0.5) / n) * (x1 - x0);
    const curve = (arr, scale, Y, colour, lw) => {
      g.strokeStyle = colour; g.lineWidth = lw; g.beginPath();
      for (let k = 0; k < arr.length; k++) { const p = X(gx(k * n / arr.length)), q = Y(arr[k] * scale); k ? g.lineTo(p, q) : g.moveTo(p, q); }
      g.stroke();
    };
    g.strokeStyle = "#444444"; g.lineWidth = 1;
    g.beginPath(); g.moveTo(left, band); g.lineTo(left + width, band); g.stroke();
    if (L.modes && run.data_density) curve(run.data_density.data, 1 / 255, Yp, pal.data, 2);
    if (L.density && run.density) curve(run.density.at(i), 1 / 255, Yp, pal.generated, 2);
    if (L.d && run.d) {
      g.setLineDash([4, 3]); g.strokeStyle = "#999999";
      g.beginPath(); g.moveTo(left, Yd(0.5)); g.lineTo(left + width, Yd(0.5)); g.stroke(); g.setLineDash([]);
      curve(run.d.at(i), 1 / 255, Yd, pal.d_green, 2);
      g.fillStyle = "#777777"; g.font = "10px sans-serif"; g.fillText("½", left + width - 10, Yd(0.5) - 3);
    }
    if (run.raw.zline) {
      const zl = run.raw.zline;
      g.strokeStyle = "#444444"; g.beginPath(); g.moveTo(left, zline); g.lineTo(left + width, zline); g.stroke();
      g.fillStyle = "#444444"; g.font = "11px sans-serif"; g.fillText(zl.label + "   " + zl.prior, left + 2, zline - 4);
      if (L.mapping && run.mapping) {
        const m = run.mapping.at(i);
        g.strokeStyle = g.fillStyle = "#555555"; g.lineWidth = 0.8; g.globalAlpha = 0.7;
        zl.idx.forEach((k, j) => { if (isFinite(m[k])) arrow(g, X(zl.x[j]), zline, X(m[k]), band, 5); });
        g.globalAlpha = 1;
      }
    }
    if (L.samples && run.samples) {
      const s = run.samples.at(i);
      g.fillStyle = pal.dot; g.globalAlpha = 0.5;
      for (let k = 0; k < s.length; k++) if (isFinite(s[k])) g.fillRect(X(s[k]) - 0.5, band + 2, 1, 7);
      g.globalAlpha = 1;
    }
    g.fillStyle = "#444444"; g.font = "11px sans-serif"; g.textAlign = "center";
    ticks(x0, x1).forEach((t) => g.fillText(num(t), X(t), band + 22));
    g.textAlign = "left";
    g.font = "12px sans-serif";
    [["data", pal.data], ["G(z)", pal.generated], ["D(x)", pal.d_green]].forEach(([t, col], k) => {
      g.fillStyle = col; g.fillRect(left + 6 + k * 70, top + 4, 14, 3); g.fillStyle = "#222222"; g.fillText(t, left + 24 + k * 70, top + 9);
    });
  };

  // images: the fixed-latent sample grid, the interpolations, the projection with D's scores, D's histograms
