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
