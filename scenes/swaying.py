"""The swaying explainer, shipped in the package (gananim/rendering/manim/scenes/swaying.py): `gananim scene swaying` records
its runs at their defaults and renders it; this path keeps working with recordings of your own:

    gananim scene scenes/swaying.py runs/five-clusters
"""

from gananim.rendering.manim.scenes.swaying import Swaying

SCENE = Swaying
