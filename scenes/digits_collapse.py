"""The digits_collapse explainer, shipped in the package (gananim/rendering/manim/scenes/digits_collapse.py): `gananim scene digits_collapse` records
its runs at their defaults and renders it; this path keeps working with recordings of your own:

    gananim scene scenes/digits_collapse.py runs/digits-collapse
"""

from gananim.rendering.manim.scenes.digits_collapse import DigitsCollapse

SCENE = DigitsCollapse
