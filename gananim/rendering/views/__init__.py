"""Views: each draws a recording frame by frame; importing this package registers them all."""

from gananim.rendering.views import dashboard, density, mapping, mountains, surface, goodfellow, gradients, gradients_line  # noqa: F401  (registration)
from gananim.rendering.views import grid, interp, projection, d_hist, image_dashboard  # noqa: F401  (registration: images recordings)
from gananim.rendering.views.base import VIEWS, View, get_view
from gananim.rendering.views.frame import Frame, render_frame
from gananim.rendering.views.style import Style, make_style

__all__ = ["VIEWS", "View", "Frame", "Style", "get_view", "make_style", "render_frame"]
