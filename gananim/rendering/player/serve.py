"""`gananim serve RUN [RUN...]`: the player on localhost, following recordings as they grow (like TensorBoard's reload).

The server answers six fixed names and nothing else: the page (index.html, player.js, player.css, package data),
data.js / data.json (the recordings packed, gananim.rendering.player.pack) and `stamp`, a fingerprint of the
recordings' chunk files that the page polls every second; when it changes the page fetches data.json again and
keeps its place (at the end it follows the end). No path from a request ever reaches the file system, so nothing
outside the given recordings can be read, and they are read with the same bounded, validated reader as every
command (gananim.recording.reader, .safe). It binds to 127.0.0.1 unless told otherwise: recordings are private.
A writer replaces chunk files whole (gananim.recording.atomic), so a snapshot shows once its chunk is flushed; a
killed or finished run simply stops growing.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from gananim.errors import GananimError
from gananim.recording.layout import MANIFEST, chunk_files
from gananim.recording.reader import Recording, load
from gananim.rendering.player.folder import data_script, payload, static_text

TYPES = {
    "index.html": "text/html; charset=utf-8",
    "player.js": "text/javascript; charset=utf-8",
    "player.css": "text/css; charset=utf-8",
    "data.js": "text/javascript; charset=utf-8",
    "data.json": "application/json",
    "stamp": "application/json",
}
LOCAL = "127.0.0.1"


def stamp(paths: list[Path]) -> str:
    """A fingerprint of what the recordings hold now: each chunk file's name, size and modification time (a writer
    replaces a chunk whole when it flushes), and the manifest's. Cheap: no file is opened."""
    parts = []
    for path in paths:
        for file in [path / MANIFEST, *chunk_files(path)]:
            try:
                st = file.stat()
            except OSError:  # renamed away meanwhile: the next poll sees the new one
                continue
            parts.append(f"{file.name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


class Live:
    """The recordings, refreshed and packed again when their stamp changes (one thread at a time)."""

    def __init__(self, runs: list[Path]):
        self.recs: list[Recording] = [load(r) for r in runs]  # a wrong path is a one-line error before binding
        self.lock = threading.Lock()
        self.packed: tuple[str, bytes] | None = None
        self.data()  # a recording the player cannot show is refused now, not on the first request

    def stamp(self) -> str:
        return stamp([r.path for r in self.recs])

    def data(self) -> bytes:
        """data.json for the recordings as they are now (re-read and packed only when they changed)."""
        with self.lock:
            now = self.stamp()
            if self.packed is None or self.packed[0] != now:
                for rec in self.recs:
                    rec.refresh()
                self.packed = (now, json.dumps(payload(self.recs, live=True), separators=(",", ":")).encode())
            return self.packed[1]


def handler(live: Live):
    class Handler(BaseHTTPRequestHandler):
        server_version = "gananim"

        def do_GET(self):  # noqa: N802 (http.server's name)
            name = self.path.split("?", 1)[0].lstrip("/") or "index.html"
            if name not in TYPES:
                self.send_error(404, "the player serves index.html, player.js, player.css, data.js, data.json, stamp")
                return
            try:
                if name == "stamp":
                    body = json.dumps({"stamp": live.stamp()}).encode()
                elif name == "data.json":
                    body = live.data()
                elif name == "data.js":
                    body = data_script(json.loads(live.data())).encode()
                else:
                    body = static_text(name).encode()
            except GananimError as e:  # a recording damaged while served: say so, keep serving
                self.send_error(500, str(e))
                return
            self.send_response(200)
            self.send_header("Content-Type", TYPES[name])
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # quiet: the command prints its address once
            pass

    return Handler


def make_server(runs: list[Path], host: str = LOCAL, port: int = 0) -> ThreadingHTTPServer:
    """The live player's server for `runs` (not yet serving: call serve_forever); port 0 picks a free one."""
    live = Live([Path(r) for r in runs])
    try:
        server = ThreadingHTTPServer((host, port), handler(live))
    except OSError as e:
        raise GananimError(f"cannot listen on {host}:{port}: {e.strerror or e}; choose another --port") from None
    server.daemon_threads = True
    return server


def url_of(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"
