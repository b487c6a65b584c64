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
