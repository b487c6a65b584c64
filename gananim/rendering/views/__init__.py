"""Views: each draws a recording frame by frame. The dashboard (every kind) lives here; each kind of data registers
its own views from its folder (gananim.kinds.*.views), imported when a view is first looked up."""

from gananim.rendering.views import dashboard  # noqa: F401  (registration)
from gananim.rendering.views.base import VIEWS, View, get_view
from gananim.rendering.views.frame import Frame, render_frame
from gananim.rendering.views.style import Style, make_style

__all__ = ["VIEWS", "View", "Frame", "Style", "get_view", "make_style", "render_frame"]
