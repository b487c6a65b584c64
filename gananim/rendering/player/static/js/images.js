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
