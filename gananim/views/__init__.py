"""Views: each draws a recording frame by frame; importing this package registers them all."""

from gananim.views import dashboard, density, mapping, mountains, surface, goodfellow, gradients, gradients_line  # noqa: F401  (registration)
from gananim.views import grid, interp, projection, d_hist, image_dashboard  # noqa: F401  (registration: images recordings)
from gananim.views.base import VIEWS, View, get_view
from gananim.views.frame import Frame, render_frame
from gananim.views.style import Style, make_style

__all__ = ["VIEWS", "View", "Frame", "Style", "get_view", "make_style", "render_frame"]
