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
