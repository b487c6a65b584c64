"""The mode_hopping explainer, shipped in the package (gananim/rendering/manim/scenes/mode_hopping.py): `gananim scene mode_hopping` records
its runs at their defaults and renders it; this path keeps working with recordings of your own:

    gananim scene scenes/mode_hopping.py runs/four-points [--quality low|medium|high] [--out FILE|--embed]
"""

from gananim.rendering.manim.scenes.mode_hopping import ModeHopping

SCENE = ModeHopping
