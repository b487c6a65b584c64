"""The mountains explainer, shipped in the package (gananim/rendering/manim/scenes/mountains.py): `gananim scene mountains` records
its runs at their defaults and renders it; this path keeps working with recordings of your own:

    gananim scene scenes/mountains.py runs/ring8
"""

from gananim.rendering.manim.scenes.mountains import MountainsScene

SCENE = MountainsScene
