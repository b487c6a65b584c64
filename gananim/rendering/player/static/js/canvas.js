  // ------------------------------------------------------------------ drawing
  function fit(canvas, cssHeight) { // the canvas at the device's pixel ratio; returns its 2D context in CSS pixels
    const dpr = window.devicePixelRatio || 1, w = canvas.clientWidth || 300;
    canvas.style.height = cssHeight + "px";
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(cssHeight * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(cssHeight * dpr);
    }
    const g = canvas.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, cssHeight);
    return { g: g, w: w, h: cssHeight, dpr: dpr };
  }

  Player.prototype.draw = function () {
    if (!this.runs || this.index < 0) return;
    const step = this.stepsAll[this.index];
    this.stepLabel.textContent = "step " + fmtStep(step) + " · " + (this.index + 1) + "/" + this.length;
    const caps = [];
    this.runs.forEach((r) => r.events.forEach((e) => {
      if (e.start <= step && step <= e.end) caps.push(this.runs.length > 1 ? r.title + ": " + e.caption : e.caption);
    }));
    this.caption.textContent = caps.join("   ·   ");
    this.caption.classList.toggle("gp-on", caps.length > 0);
    this.caption.style.background = caps.length ? this.pal.caption : "";
    this.drawTimeline(step);
    this.views.forEach((v) => { this.drawView(v); this.drawDash(v); });
    this.draws++;
  };

  Player.prototype.drawTimeline = function (step) {
    const lanes = this.runs.length, c = fit(this.timeline, 10 + 8 * lanes), g = c.g;
    const first = this.stepsAll[0], last = this.stepsAll[this.length - 1] || first + 1;
    const box = { x0: 8, x1: c.w - 8, first: first, last: last === first ? first + 1 : last };
    this.tlBox = box;
    const X = (s) => box.x0 + ((s - box.first) / (box.last - box.first)) * (box.x1 - box.x0);
    g.fillStyle = "#eeeeee";
    g.fillRect(box.x0, 3, box.x1 - box.x0, c.h - 6);
    this.runs.forEach((r, k) => r.events.forEach((e) => {
      g.fillStyle = this.pal.events[e.kind] || "#999999";
      g.fillRect(X(e.start), 3 + 8 * k, Math.max(X(e.end) - X(e.start), 2), 8);
    }));
    g.fillStyle = "#222222";
    g.fillRect(X(step) - 1, 0, 2, c.h);
  };

  Player.prototype.seekAtX = function (canvas, e, box) {
    const rect = canvas.getBoundingClientRect(), x = e.clientX - rect.left;
    const s = box.first + ((x - box.x0) / (box.x1 - box.x0)) * (box.last - box.first);
    let best = 0;
    this.stepsAll.forEach((t, i) => { if (Math.abs(t - s) < Math.abs(this.stepsAll[best] - s)) best = i; });
    this.pause();
    this.seek(best);
  };

  Player.prototype.timelineTip = function (e) {
    const box = this.tlBox, rect = this.timeline.getBoundingClientRect();
    const s = box.first + ((e.clientX - rect.left - box.x0) / (box.x1 - box.x0)) * (box.last - box.first);
    const lane = Math.floor((e.clientY - rect.top - 3) / 8), r = this.runs[lane];
    const hit = r ? r.events.filter((ev) => ev.start <= s && s <= ev.end) : [];
    if (!hit.length) { this.hideTip(); return; }
    this.showTip(e, hit.map((ev) => "steps " + fmtStep(ev.start) + "–" + fmtStep(ev.end) + ": " + ev.caption).join("\n"));
  };
  Player.prototype.showTip = function (e, text) {
    const rect = this.root.getBoundingClientRect();
    this.tip.textContent = text;
    this.tip.style.display = "block";
    const x = Math.min(e.clientX - rect.left + 12, rect.width - this.tip.offsetWidth - 4);
    this.tip.style.left = Math.max(x, 0) + "px";
    this.tip.style.top = (e.clientY - rect.top + 14) + "px";
  };
  Player.prototype.hideTip = function () { this.tip.style.display = "none"; };

  // the plot box of a 2D view: equal aspect, the data's view box fitted into the canvas
  function plotBox(run, w, h, pad) {
    const [[x0, x1], [y0, y1]] = run.raw.bounds;
    const aw = w - pad.l - pad.r, ah = h - pad.t - pad.b;
    const scale = Math.min(aw / (x1 - x0), ah / (y1 - y0));
    const pw = (x1 - x0) * scale, ph = (y1 - y0) * scale;
    const left = pad.l + (aw - pw) / 2, top = pad.t + (ah - ph) / 2;
    return {
      left: left, top: top, width: pw, height: ph, bounds: run.raw.bounds,
      X: (x) => left + ((x - x0) / (x1 - x0)) * pw,
      Y: (y) => top + ph - ((y - y0) / (y1 - y0)) * ph,
    };
  }

  Player.prototype.viewHeight = function (v) {
    const w = v.canvas.clientWidth || 300;
    if (v.run.kind === "images") return Math.round(Math.min(w * 0.95, 720));
    if (v.run.raw.data_dim === 1) return Math.round(Math.min(w * 0.62, 520));
    return Math.round(Math.min(w * 0.92, 640));
  };

  Player.prototype.drawView = function (v) {
    const c = fit(v.canvas, this.viewHeight(v)), step = this.stepsAll[this.index], run = v.run;
    const i = run.indexAt(step);
    v.i = i;
    if (run.kind === "images") this.drawImages(v, c, i);
    else if (run.raw.data_dim === 1) this.drawLine(v, c, i);
    else this.drawPlane(v, c, i);
    const lastStep = run.steps[run.steps.length - 1];
    if (step > lastStep) { // side by side: a run that stopped earlier says so, as the frames do
      c.g.fillStyle = "rgba(255,255,255,0.6)";
      c.g.fillRect(0, 0, c.w, c.h);
      c.g.fillStyle = "#7a0f0f";
      c.g.font = "bold 14px sans-serif";
      c.g.textAlign = "center";
      c.g.fillText(run.title + " · ended at step " + fmtStep(lastStep), c.w / 2, 20);
      c.g.textAlign = "left";
    }
  };

  Player.prototype.luts = function () { // the views' lookup tables as packed RGBA words (one write a pixel)
    if (this.packed) return this.packed;
    const levels = this.pal.levels, red = hex(this.pal.red), plain = new Uint8Array(levels * 3);
    for (let l = 0; l < levels; l++) { // no D shown: the red over white, at the views' opacity (level/(levels-1))^gamma
      const a = Math.pow(l / (levels - 1), this.pal.gamma);
      for (let ch = 0; ch < 3; ch++) plain[3 * l + ch] = Math.floor(255 * (1 - a) + red[ch] * a + 0.5);
    }
    const little = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
    const pack = (lut) => {
      const n = lut.length / 3, out = new Uint32Array(n);
      for (let k = 0; k < n; k++) {
        const r = lut[3 * k], g = lut[3 * k + 1], b = lut[3 * k + 2];
        out[k] = little ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
      }
      return out;
    };
    this.packed = { surface: pack(this.surface), tint: pack(this.tint), plain: pack(plain) };
    return this.packed;
  };

  // D's bands with the density in red over them, composed as the views compose them (drawing.BandedOverlay over
  // drawing.Upsampler): bilinear on the values at the pixel size, then the lookup table. Separable: the grid's rows
  // are first resampled along x, then each pixel row blends two of those.
  Player.prototype.raster = function (v, c, box, i) {
    const run = v.run, pal = this.pal, g = c.g, dpr = c.dpr, luts = this.luts();
    const W = Math.max(1, Math.round(box.width * dpr)), H = Math.max(1, Math.round(box.height * dpr));
    const [ny, nx] = run.raw.grid, key = W + "x" + H;
    if (!v.lerp || v.lerp.key !== key) {
      v.lerp = { key: key, x: lerpIndex(W, nx), y: lerpIndex(H, ny), d: new Float32Array(ny * W), o: new Float32Array(ny * W) };
      v.image = g.createImageData(W, H);
      v.words = new Uint32Array(v.image.data.buffer);
      v.base = null;
    }
    const L = v.lerp, words = v.words, levels = pal.levels;
    const surface = !!run.d;
    let base = null, bands, lut;
    if (surface) {
      bands = pal.surface_bands; lut = luts.surface;
      if (this.layers.d) { alongX(run.d.at(i), ny, nx, L.x, W, L.d); base = L.d; }
    } else if (run.data_density && this.layers.modes) { // no D: the density view's data tint (static: made once)
      bands = pal.tint_bands; lut = luts.tint;
      if (!v.base) {
        const [by, bx] = run.data_density.shape, rows = new Float32Array(by * W);
        alongX(run.data_density.data, by, bx, lerpIndex(W, bx), W, rows);
        v.base = { rows: rows, y: lerpIndex(H, by) };
      }
      base = v.base.rows;
    }
    const dens = run.density && this.layers.density;
    if (dens) alongX(run.density.at(i), ny, nx, L.x, W, L.o);
    const BY = base && !surface ? v.base.y : L.y;
    const oScale = (levels - 1) / 255, bScale = bands / 255;
    for (let py = 0; py < H; py++) {
      const gy = H - 1 - py; // top row first: the grid's row 0 is the bottom of the box
      const oy0 = L.y.lo[gy] * W, oy1 = L.y.hi[gy] * W, ofy = L.y.f[gy];
      const by0 = BY.lo[gy] * W, by1 = BY.hi[gy] * W, bfy = BY.f[gy];
      const row = py * W;
      for (let px = 0; px < W; px++) {
        let level = 0;
        if (dens) {
          const a = L.o[oy0 + px];
          level = Math.floor((a + (L.o[oy1 + px] - a) * ofy) * oScale + 0.5);
          level = level < 0 ? 0 : level > levels - 1 ? levels - 1 : level;
        }
        if (base) {
          const a = base[by0 + px];
          let band = Math.floor((a + (base[by1 + px] - a) * bfy) * bScale);
          band = band < 0 ? 0 : band > bands - 1 ? bands - 1 : band;
          words[row + px] = lut[band * levels + level];
        } else words[row + px] = luts.plain[level];
      }
    }
    g.putImageData(v.image, Math.round(box.left * dpr), Math.round(box.top * dpr));
  };
  function alongX(grid, ny, nx, LX, W, out) { // each grid row resampled to W columns
    for (let r = 0; r < ny; r++) {
      const src = r * nx, dst = r * W;
      for (let px = 0; px < W; px++) {
        const a = grid[src + LX.lo[px]];
        out[dst + px] = a + (grid[src + LX.hi[px]] - a) * LX.f[px];
      }
    }
  }
  function lerpIndex(nOut, nIn) { // drawing._lerp_index: each output cell centre's two input cells and weight
    const lo = new Int32Array(nOut), hi = new Int32Array(nOut), f = new Float32Array(nOut);
    for (let k = 0; k < nOut; k++) {
      const x = Math.min(Math.max(((k + 0.5) * nIn) / nOut - 0.5, 0), nIn - 1);
      lo[k] = Math.floor(x); hi[k] = Math.min(lo[k] + 1, nIn - 1); f[k] = x - lo[k];
    }
    return { lo: lo, hi: hi, f: f };
  }
