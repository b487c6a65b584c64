"""The transform_method explainer, shipped in the package (gananim/rendering/manim/scenes/transform_method.py): `gananim scene transform_method` records
its runs at their defaults and renders it; this path keeps working with recordings of your own:

    gananim scene scenes/transform_method.py runs/inverse-cdf runs/gauss-1d
"""

from gananim.rendering.manim.scenes.transform_method import TransformMethod

SCENE = TransformMethod
