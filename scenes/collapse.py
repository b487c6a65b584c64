"""The collapse explainer, shipped in the package (gananim/rendering/manim/scenes/collapse.py): `gananim scene collapse` records
its runs at their defaults and renders it; this path keeps working with recordings of your own:

    gananim scene scenes/collapse.py runs/ring8 runs/ring8-unrolled
"""

from gananim.rendering.manim.scenes.collapse import Collapse

SCENE = Collapse
