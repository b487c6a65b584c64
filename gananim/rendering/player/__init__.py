"""The interactive player: a recording's snapshots in the browser (scrub, step, toggle layers), exported to a folder
(gananim.rendering.player.folder) or served live while training (gananim.rendering.player.serve). The page itself is
plain JS and CSS on a Canvas 2D, shipped as package data in static/."""
