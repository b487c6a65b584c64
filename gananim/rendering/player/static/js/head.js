/* gananim's interactive player: a recording's snapshots on a Canvas 2D (plain JS, no frameworks, nothing fetched
   from the network). Reads window.GANANIM_DATA (data.js, written by gananim.rendering.player.pack): every array,
   colour, series, event and caption comes from there, so the player shows what the videos show.
   Scriptable: window.gananimPlayer (length, index, seek(i), play(), pause(), setLayer(name, on), ready).
   Written as one closure from the fragments in static/js (gananim.rendering.player.folder.PARTS): this one opens it,
   start.js closes it; each of the others adds one part. */
(function () {
  "use strict";
