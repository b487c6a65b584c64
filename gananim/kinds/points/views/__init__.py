"""The points kind's views; importing this package registers them (gananim.rendering.views.base.register)."""

from gananim.kinds.points.views import density, goodfellow, gradients, gradients_line, mapping, mountains, surface  # noqa: F401
