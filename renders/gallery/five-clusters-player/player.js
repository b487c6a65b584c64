/* gananim's interactive player: a recording's snapshots on a Canvas 2D (plain JS, no frameworks, nothing fetched
   from the network). Reads window.GANANIM_DATA (data.js, written by gananim.rendering.player.pack): every array,
   colour, series, event and caption comes from there, so the player shows what the videos show.
   Scriptable: window.gananimPlayer (length, index, seek(i), play(), pause(), setLayer(name, on), ready).
   Written as one closure from the fragments in static/js (gananim.rendering.player.folder.PARTS): this one opens it,
   start.js closes it; each of the others adds one part. */
(function () {
  "use strict";

  // ------------------------------------------------------------------ decoding the data file
  function bytes(b64) {
    const s = atob(b64), out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  function halfToFloat(h) { // IEEE 754 binary16 -> number
    const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
    if (e === 0) return s * f * Math.pow(2, -24);
    if (e === 31) return f ? NaN : s * Infinity;
    return s * (1 + f / 1024) * Math.pow(2, e - 15);
  }
  async function inflate(b64) { // zlib data (pack.blob) inflated by the browser's own DecompressionStream
    const stream = new Blob([bytes(b64)]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  async function decode(blob) {
    if (!blob) return null;
    let raw = blob.z ? await inflate(blob.z) : bytes(blob.b64);
    if (blob.shuffle) { // all high bytes, then all low bytes: put each value's bytes together again
      const k = blob.shuffle, n = raw.length / k, out = new Uint8Array(raw.length);
      for (let b = 0; b < k; b++) for (let i = 0; i < n; i++) out[i * k + b] = raw[b * n + i];
      raw = out;
    }
    let data;
    if (blob.dtype === "uint8") data = raw;
    else if (blob.dtype === "float32") data = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
    else {
      const h = new Uint16Array(raw.buffer, raw.byteOffset, raw.length / 2);
      data = new Float32Array(h.length);
      for (let i = 0; i < h.length; i++) data[i] = halfToFloat(h[i]);
    }
    const shape = blob.shape, per = shape.slice(1).reduce((a, b) => a * b, 1);
    if (blob.order === "last") { // stored (rest..., snapshots): back to (snapshots, rest...)
      const n = shape[0], out = new data.constructor(data.length);
      for (let j = 0; j < per; j++) for (let i = 0; i < n; i++) out[i * per + j] = data[j * n + i];
      data = out;
    }
    return { data: data, shape: shape, per: per, at: (i) => data.subarray(i * per, (i + 1) * per) };
  }
  function hex(c) { return [1, 3, 5].map((k) => parseInt(c.slice(k, k + 2), 16)); }
  function fmtStep(s) { return Math.round(s).toLocaleString("en-US"); }
  function num(v) {
    if (v === null || v === undefined || !isFinite(v)) return "–";
    const a = Math.abs(v);
    const t = a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toPrecision(3);
    return String(Number(t)).replace("-", "−");
  }

  // ------------------------------------------------------------------ one recording
  const ARRAYS = ["d", "density", "samples", "mapping", "grad", "latents", "data_density", "images", "interp",
    "proj", "proj_d", "real_proj", "real_d", "d_hist_fake", "d_hist_real"];
  function Run(raw, arrays) {
    this.raw = raw;
    this.title = raw.title;
    this.kind = raw.kind;
    this.steps = raw.steps;
    this.events = raw.events;
    this.series = raw.series;
    this.dense = raw.dense;
    ARRAYS.forEach((name, k) => { this[name] = arrays[k]; });
  }
  Run.make = async function (raw) { return new Run(raw, await Promise.all(ARRAYS.map((n) => decode(raw[n])))); };
  Run.prototype.indexAt = function (step) { // the newest snapshot at or before `step` (Recording.index_at)
    const s = this.steps;
    let lo = 0, hi = s.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (s[m] <= step) lo = m + 1; else hi = m; }
    return Math.max(lo - 1, 0);
  };

  // ------------------------------------------------------------------ the player
  const LAYERS = [
    ["d", "D surface"], ["density", "generated density"], ["samples", "samples"],
    ["mapping", "mapping arrows"], ["gradients", "gradient arrows"], ["modes", "data modes"],
  ];
  const SPEEDS = [0.25, 0.5, 1, 2, 4];
  const RATE = 15; // snapshots a second at speed 1

  function el(tag, cls, parent, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function Player(root) {
    this.root = root;
    this.layers = { d: true, density: true, samples: true, mapping: false, gradients: false, modes: true };
    this.speed = 1;
    this.playing = false;
    this.draws = 0;
    this.listeners = [];
    this.build();
  }

  Player.prototype.load = async function (data) {
    const t0 = performance.now();
    const runs = await Promise.all(data.runs.map((r) => Run.make(r)));
    const luts = await Promise.all([decode(data.palette.surface_lut), decode(data.palette.tint_lut)]);
    const keepEnd = this.runs && this.index === this.length - 1;
    const step = this.runs ? this.stepsAll[this.index] : null;
    this.data = data;
    this.pal = data.palette;
    this.surface = luts[0].data;
    this.tint = luts[1].data;
    this.packed = null;
    this.runs = runs;
    const all = new Set();
    this.runs.forEach((r) => r.steps.forEach((s) => all.add(s)));
    this.stepsAll = Array.from(all).sort((a, b) => a - b);
    this.length = this.stepsAll.length;
    this.makeColumns();
    this.slider.max = String(Math.max(this.length - 1, 0));
    let i = 0;
    if (step !== null) {
      i = keepEnd ? this.length - 1 : Math.max(this.stepsAll.findIndex((s) => s >= step), 0);
    }
    this.index = -1;
    this.seek(i);
    this.readyMs = performance.now() - t0;
  };

  Player.prototype.build = function () {
    const r = this.root;
    r.classList.add("gananim-player");
    r.tabIndex = 0;
    r.textContent = "";
    const bar = el("div", "gp-bar", r);
    this.back = el("button", "gp-btn gp-back", bar, "‹");
    this.back.title = "one snapshot back (←)";
    this.playBtn = el("button", "gp-btn gp-play", bar, "▶");
    this.playBtn.title = "play / pause (space)";
    this.fwd = el("button", "gp-btn gp-fwd", bar, "›");
    this.fwd.title = "one snapshot forward (→)";
    this.speedSel = el("select", "gp-speed", bar);
    this.speedSel.title = "speed";
    SPEEDS.forEach((s) => {
      const o = el("option", "", this.speedSel, "×" + s);
      o.value = String(s);
      if (s === 1) o.selected = true;
    });
    this.slider = el("input", "gp-slider", bar);
    this.slider.type = "range";
    this.slider.min = "0";
    this.slider.step = "1";
    this.slider.setAttribute("aria-label", "training step");
    this.stepLabel = el("span", "gp-steplabel", bar, "step 0");
    this.timeline = el("canvas", "gp-timeline", r);
    this.caption = el("div", "gp-caption", r);
    this.layerBox = el("div", "gp-layers", r);
    this.checks = {};
    LAYERS.forEach(([name, label]) => {
      const l = el("label", "gp-layer", this.layerBox);
      const c = el("input", "", l);
      c.type = "checkbox";
      c.checked = this.layers[name];
      c.dataset.layer = name;
      el("span", "", l, label);
      c.addEventListener("change", () => this.setLayer(name, c.checked));
      this.checks[name] = l;
    });
    this.cols = el("div", "gp-runs", r);
    const more = el("details", "gp-more", r); // the dashboards under all the views: on a phone the views come first
    more.open = true;
    el("summary", "", more, "dashboard: every logged series (click to seek)");
    this.dashes = el("div", "gp-runs", more);
    this.tip = el("div", "gp-tip", r);
    this.back.addEventListener("click", () => { this.pause(); this.seek(this.index - 1); });
    this.fwd.addEventListener("click", () => { this.pause(); this.seek(this.index + 1); });
    this.playBtn.addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    this.speedSel.addEventListener("change", () => { this.speed = Number(this.speedSel.value); });
    this.slider.addEventListener("input", () => { this.pause(); this.seek(Number(this.slider.value)); });
    r.addEventListener("keydown", (e) => {
      if (e.target.tagName === "SELECT") return;
      if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
        e.preventDefault();
        this.pause();
        this.seek(this.index + (e.key === "ArrowLeft" ? -1 : 1));
      } else if (e.key === " " && e.target.tagName !== "BUTTON") {
        e.preventDefault();
        this.playing ? this.pause() : this.play();
      }
    });
    this.timeline.addEventListener("click", (e) => this.seekAtX(this.timeline, e, this.tlBox));
    this.timeline.addEventListener("mousemove", (e) => this.timelineTip(e));
    this.timeline.addEventListener("mouseleave", () => this.hideTip());
    if (typeof ResizeObserver !== "undefined") {
      let width = 0;
      new ResizeObserver(() => {
        if (r.clientWidth !== width) { width = r.clientWidth; this.draw(); }
      }).observe(r);
    }
  };

  Player.prototype.makeColumns = function () {
    this.cols.textContent = "";
    this.dashes.textContent = "";
    for (const grid of [this.cols, this.dashes]) grid.style.gridTemplateColumns = "repeat(" + this.runs.length + ", minmax(0, 1fr))";
    this.views = this.runs.map((run, k) => {
      const col = el("div", "gp-run", this.cols);
      el("div", "gp-title", col, run.title);
      const canvas = el("canvas", "gp-view", col);
      const dcol = el("div", "gp-run", this.dashes);
      if (this.runs.length > 1) el("div", "gp-title", dcol, run.title);
      const dash = el("canvas", "gp-dash", dcol);
      const v = { run: run, canvas: canvas, dash: dash, k: k, hover: -1, charts: [] };
      canvas.addEventListener("mousemove", (e) => this.hover(v, e));
      canvas.addEventListener("mouseleave", () => { v.hover = -1; this.hideTip(); this.drawView(v); });
      dash.addEventListener("click", (e) => this.dashClick(v, e));
      let touchX = null;
      canvas.addEventListener("touchstart", (e) => { touchX = e.touches[0].clientX; }, { passive: true });
      canvas.addEventListener("touchend", (e) => { // a swipe steps one snapshot; a tap shows the nearest sample
        if (touchX === null) return;
        const dx = e.changedTouches[0].clientX - touchX;
        touchX = null;
        if (Math.abs(dx) > 30) { this.pause(); this.seek(this.index + (dx < 0 ? 1 : -1)); }
      });
      return v;
    });
    const has = { d: false, density: false, samples: false, mapping: false, gradients: false, modes: false };
    this.runs.forEach((r) => {
      has.d = has.d || !!r.d || !!r.proj_d;
      has.density = has.density || !!r.density;
      has.samples = has.samples || !!r.samples || !!r.proj;
      has.mapping = has.mapping || !!r.mapping;
      has.gradients = has.gradients || !!r.grad;
      has.modes = has.modes || (r.raw.modes && r.raw.modes.length > 0) || !!r.data_density || !!r.real_proj;
    });
    LAYERS.forEach(([name]) => { this.checks[name].style.display = has[name] ? "" : "none"; });
  };

  // ------------------------------------------------------------------ the API
  Player.prototype.seek = function (i) {
    i = Math.max(0, Math.min(this.length - 1, Math.round(Number(i) || 0)));
    if (i === this.index) return;
    this.index = i;
    this.slider.value = String(i);
    this.draw();
    this.listeners.forEach((f) => f(i));
  };
  Player.prototype.play = function () {
    if (this.playing || this.length < 2) return;
    if (this.index >= this.length - 1) this.seek(0);
    this.playing = true;
    this.playBtn.textContent = "❚❚";
    let last = performance.now(), acc = 0;
    const tick = (now) => {
      if (!this.playing) return;
      acc += ((now - last) / 1000) * RATE * this.speed;
      last = now;
      if (acc >= 1) {
        const n = Math.floor(acc);
        acc -= n;
        this.seek(Math.min(this.index + n, this.length - 1));
        if (this.index >= this.length - 1) { this.pause(); return; }
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };
  Player.prototype.pause = function () {
    this.playing = false;
    this.playBtn.textContent = "▶";
  };
  Player.prototype.setLayer = function (name, on) {
    if (!(name in this.layers)) throw new Error("no layer " + name + "; layers: " + Object.keys(this.layers).join(", "));
    this.layers[name] = !!on;
    const box = this.checks[name].querySelector("input");
    box.checked = !!on;
    this.draw();
  };

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

  Player.prototype.drawImages = function (v, c, i) {
    const run = v.run, g = c.g, pal = this.pal, raw = run.raw;
    const half = Math.floor(c.w / 2) - 6, hTop = Math.floor(c.h * 0.5) - 16;
    g.font = "12px sans-serif"; g.fillStyle = "#222222";
    if (run.images) {
      g.fillText("fixed latents", 2, 12);
      this.tiles(g, run.images.at(i), run.images.shape.slice(1), 0, 18, half, hTop);
    }
    if (run.interp) {
      g.fillStyle = "#222222"; g.fillText("interpolations", half + 12, 12);
      const [paths, points] = run.interp.shape.slice(1, 3);
      this.tiles(g, run.interp.at(i), run.interp.shape.slice(3), half + 12, 18, half, hTop, points, paths);
    }
    const y0 = hTop + 40, h2 = c.h - y0 - 4;
    if (run.proj) this.projection(v, g, i, 0, y0, half, h2);
    this.histograms(v, g, i, half + 12, y0, half, h2 / 2 - 6);
    this.classBars(v, g, i, half + 12, y0 + h2 / 2 + 6, half, h2 / 2 - 6);
  };
  Player.prototype.tiles = function (g, pix, shape, x, y, w, h, cols, rows) {
    const [ch, ih, iw] = shape.length === 3 ? shape : [1, Math.round(Math.sqrt(shape[0])), Math.round(Math.sqrt(shape[0]))];
    const per = ch * ih * iw, n = pix.length / per;
    cols = cols || Math.ceil(Math.sqrt(n));
    rows = rows || Math.ceil(n / cols);
    const cell = Math.max(1, Math.floor(Math.min(w / cols, h / rows)));
    const img = g.createImageData(cols * (iw + 1), rows * (ih + 1));
    img.data.fill(255);
    for (let k = 0; k < n; k++) {
      const cx = (k % cols) * (iw + 1), cy = Math.floor(k / cols) * (ih + 1);
      for (let r = 0; r < ih; r++) for (let q = 0; q < iw; q++) {
        const o = ((cy + r) * img.width + cx + q) * 4, p = k * per + r * iw + q;
        const R = pix[p], G = ch === 3 ? pix[p + ih * iw] : R, B = ch === 3 ? pix[p + 2 * ih * iw] : R;
        img.data[o] = R; img.data[o + 1] = G; img.data[o + 2] = B; img.data[o + 3] = 255;
      }
    }
    const tmp = document.createElement("canvas");
    tmp.width = img.width; tmp.height = img.height;
    tmp.getContext("2d").putImageData(img, 0, 0);
    g.imageSmoothingEnabled = false;
    const scale = cell / (iw + 1);
    g.drawImage(tmp, x, y, img.width * scale, img.height * scale);
  };
  Player.prototype.projection = function (v, g, i, x, y, w, h) {
    const run = v.run, pal = this.pal, L = this.layers, ramp = pal.d_ramp;
    const [[bx0, bx1], [by0, by1]] = run.raw.bounds;
    const X = (p) => x + ((p - bx0) / (bx1 - bx0)) * w, Y = (q) => y + h - ((q - by0) / (by1 - by0)) * h;
    g.fillStyle = "#222222"; g.font = "12px sans-serif";
    g.fillText("projection on the data's PCA plane · fill: D(x)", x + 2, y - 4);
    g.strokeStyle = "#444444"; g.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
    if (L.density && run.density) {
      const [ny, nx] = run.raw.grid, d = run.density.at(i), red = hex(pal.red);
      for (let r = 0; r < ny; r++) for (let q = 0; q < nx; q++) {
        const a = Math.pow(d[r * nx + q] / 255, pal.gamma);
        if (a < 0.02) continue;
        g.fillStyle = "rgba(" + red.join(",") + "," + a.toFixed(3) + ")";
        g.fillRect(x + (q * w) / nx, y + h - ((r + 1) * h) / ny, w / nx + 0.5, h / ny + 0.5);
      }
    }
    const dot = (px, py, score, edge, diamond) => {
      g.fillStyle = score === null ? "rgba(0,0,0,0)" : ramp[Math.min(255, score)];
      g.strokeStyle = edge; g.lineWidth = 1; g.beginPath();
      if (diamond) { g.moveTo(px, py - 4); g.lineTo(px + 4, py); g.lineTo(px, py + 4); g.lineTo(px - 4, py); g.closePath(); }
      else g.arc(px, py, 3, 0, 2 * Math.PI);
      g.fill(); g.stroke();
    };
    if (L.modes && run.real_proj) {
      const r = run.real_proj.data, sc = run.real_d && L.d ? run.real_d.at(i) : null;
      for (let k = 0; k < r.length / 2; k++) dot(X(r[2 * k]), Y(r[2 * k + 1]), sc ? sc[k] : 128, pal.data, false);
    }
    if (L.samples) {
      const p = run.proj.at(i), sc = run.proj_d && L.d ? run.proj_d.at(i) : null;
      for (let k = 0; k < p.length / 2; k++) {
        if (isFinite(p[2 * k])) dot(X(p[2 * k]), Y(p[2 * k + 1]), sc ? sc[k] : 128, "#8a1c1c", true);
      }
    }
  };
  Player.prototype.histograms = function (v, g, i, x, y, w, h) {
    const run = v.run, pal = this.pal, edges = run.raw.d_edges;
    g.fillStyle = "#222222"; g.font = "12px sans-serif"; g.fillText("D's scores: real (blue), generated (red)", x, y - 4);
    g.strokeStyle = "#444444"; g.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
    if (!edges || !run.d_hist_fake) return;
    const lo = edges[0], hi = edges[edges.length - 1], X = (e) => x + ((e - lo) / (hi - lo)) * w;
    const fake = run.d_hist_fake.at(i), real = run.d_hist_real ? run.d_hist_real.at(i) : null;
    let top = 0;
    for (const a of [fake, real]) if (a) for (const q of a) top = Math.max(top, q);
    top = top || 1;
    [[real, pal.data], [fake, pal.generated]].forEach(([a, col]) => {
      if (!a) return;
      g.fillStyle = col; g.globalAlpha = 0.5;
      for (let k = 0; k < a.length; k++) {
        const bh = (a[k] / top) * (h - 14);
        g.fillRect(X(edges[k]), y + h - 12 - bh, X(edges[k + 1]) - X(edges[k]) - 0.5, bh);
      }
      g.globalAlpha = 1;
    });
    g.fillStyle = "#444444"; g.font = "10px sans-serif";
    g.fillText(num(lo), x + 2, y + h - 2); g.textAlign = "right"; g.fillText(num(hi), x + w - 2, y + h - 2); g.textAlign = "left";
  };
  Player.prototype.classBars = function (v, g, i, x, y, w, h) {
    const run = v.run, pal = this.pal, K = run.raw.classes || 0, data = run.raw.data_class_freq;
    g.fillStyle = "#222222"; g.font = "12px sans-serif";
    const shares = [];
    for (let k = 0; k < K; k++) { const s = run.series["class_share_" + k]; shares.push(s ? s[i] : null); }
    const cap = run.series.classes_captured ? run.series.classes_captured[i] : null;
    g.fillText("class shares" + (cap !== null && cap !== undefined ? " · captured " + num(cap) + " of " + K : ""), x, y - 4);
    g.strokeStyle = "#444444"; g.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
    if (!K) return;
    const bw = w / K, Y = (s) => y + h - 12 - Math.sqrt(Math.max(s, 0)) * (h - 16); // a rootogram, as the dashboard's
    for (let k = 0; k < K; k++) {
      const s = shares[k];
      if (s !== null && s !== undefined) { g.fillStyle = pal.generated; g.globalAlpha = 0.85; g.fillRect(x + k * bw + 2, Y(s), bw - 4, y + h - 12 - Y(s)); g.globalAlpha = 1; }
      if (data) { g.strokeStyle = pal.data; g.setLineDash([3, 2]); g.beginPath(); g.moveTo(x + k * bw + 1, Y(data[k])); g.lineTo(x + (k + 1) * bw - 1, Y(data[k])); g.stroke(); g.setLineDash([]); }
      g.fillStyle = "#444444"; g.font = "10px sans-serif"; g.textAlign = "center"; g.fillText(String(k), x + (k + 0.5) * bw, y + h - 2); g.textAlign = "left";
    }
  };

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

  // ------------------------------------------------------------------ live: follow recordings as they grow (gananim serve)
  Player.prototype.follow = function (every) {
    let stamp = null, busy = false;
    const poll = () => {
      if (busy) return;
      busy = true;
      fetch("stamp", { cache: "no-store" }).then((r) => r.json()).then((s) => {
        if (stamp !== null && s.stamp !== stamp) {
          return fetch("data.json", { cache: "no-store" }).then((r) => r.json()).then((d) => this.load(d)).then(() => { stamp = s.stamp; });
        }
        stamp = s.stamp;
      }).catch(() => {}).then(() => { busy = false; });
    };
    poll();
    setInterval(poll, every);
  };

  // ------------------------------------------------------------------ start
  async function start() {
    const data = window.GANANIM_DATA;
    const roots = document.querySelectorAll(".gananim-player");
    if (!data || !roots.length) return;
    if (typeof DecompressionStream === "undefined") {
      roots.forEach((r) => { r.textContent = "This browser is too old for the player (it needs DecompressionStream: Chrome 80, Firefox 113, Safari 16.4 or later)."; });
      return;
    }
    const players = Array.from(roots).map((r) => new Player(r));
    await Promise.all(players.map((p) => p.load(data)));
    const p = players[0];
    const api = {
      get length() { return p.length; },
      get index() { return p.index; },
      get step() { return p.stepsAll[p.index]; },
      get steps() { return p.stepsAll.slice(); },
      get playing() { return p.playing; },
      get layers() { return Object.assign({}, p.layers); },
      get draws() { return p.draws; },
      get readyMs() { return p.readyMs; },
      readyAt: performance.now(), // ms from the page's navigation start to the player being ready
      seek: (i) => p.seek(i),
      play: () => p.play(),
      pause: () => p.pause(),
      setLayer: (name, on) => p.setLayer(name, on),
      setSpeed: (s) => { p.speed = Number(s); p.speedSel.value = String(s); },
      onSeek: (f) => p.listeners.push(f),
      canvas: (k) => p.views[k || 0].canvas,
      plotBox: (k) => { const b = p.views[k || 0].box; return b && { left: b.left, top: b.top, width: b.width, height: b.height, bounds: b.bounds }; },
      caption: () => p.caption.textContent,
      players: players,
      ready: true,
    };
    window.gananimPlayer = api;
    if (data.live && /^https?:$/.test(location.protocol)) p.follow(1000);
    document.dispatchEvent(new CustomEvent("gananim-ready", { detail: api }));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
