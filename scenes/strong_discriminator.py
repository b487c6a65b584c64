"""The strong_discriminator explainer, shipped in the package (gananim/rendering/manim/scenes/strong_discriminator.py): `gananim scene strong_discriminator` records
its runs at their defaults and renders it; this path keeps working with recordings of your own:

    gananim scene scenes/strong_discriminator.py runs/strong-d runs/noisy
"""

from gananim.rendering.manim.scenes.strong_discriminator import StrongDiscriminator

SCENE = StrongDiscriminator
