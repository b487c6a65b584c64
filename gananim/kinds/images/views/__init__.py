"""The images kind's views; importing this package registers them (gananim.rendering.views.base.register)."""

from gananim.kinds.images.views import d_hist, dashboard, interp, projection, sample_grid  # noqa: F401
