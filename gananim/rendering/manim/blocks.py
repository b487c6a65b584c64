"""The manim building blocks in one import, for scene scripts (scenes/*.py): each follows a Recording step by step.

Every block reads the training step from a `Clock` and redraws itself IN PLACE from ONE updater: the D surface is
one ImageMobject whose pixels are rewritten, the samples one PMobject, the mapping's arrows a handful of
VMobjects with many subpaths (one per colour), curves one VMobject each. Nothing creates mobjects per frame, so
a 720p frame costs a few milliseconds of numpy and one cairo pass. Where each lives:

    clock       Series (a recording's arrays at fractional steps), Clock (the step a frame shows, slow motion)
    paint       fonts and inks, one updater per block, straight-line paths
    plane       Plane (data → scene coordinates), DSurface (D and the density as one image), modes_marker
    points      SampleCloud (G's samples), MappingArrows (z → G(z)), each kept inside its panel, `outside` counting
                what it left out
    digits      Digits (a number redrawn per frame without text layout), OutsideCount
    goodfellow  Goodfellow1D (Goodfellow et al. 2014, Fig. 1, moving)
    mountains   Mountains (D as a 3D landscape, camera orbiting)
    hud         ScalarChart, StepCounter, CaptionBar, title_card, closing_card
    words       the cards' sentences from a recording's events and final metrics (Facts, verdict, crawls, ...)
"""

from gananim.rendering.drawing import D_GREEN, DATA_BLUE, GENERATED_RED, LOG4
from gananim.rendering.manim.clock import Clock, Series, series
from gananim.rendering.manim.digits import Digits, OutsideCount
from gananim.rendering.manim.goodfellow import Goodfellow1D
from gananim.rendering.manim.hud import CaptionBar, ScalarChart, StepCounter, closing_card, title_card
from gananim.rendering.manim.mountains import Mountains
from gananim.rendering.manim.paint import GREY, INK, follow, on_top
from gananim.rendering.manim.plane import DSurface, Plane, mapping_box, modes_marker
from gananim.rendering.manim.points import MappingArrows, SampleCloud

__all__ = [
    "Series",
    "series",
    "Clock",
    "Plane",
    "DSurface",
    "SampleCloud",
    "MappingArrows",
    "Goodfellow1D",
    "ScalarChart",
    "StepCounter",
    "Digits",
    "OutsideCount",
    "CaptionBar",
    "Mountains",
    "mapping_box",
    "modes_marker",
    "on_top",
    "follow",
    "title_card",
    "closing_card",
    "LOG4",
    "INK",
    "GREY",
    "DATA_BLUE",
    "GENERATED_RED",
    "D_GREEN",
]
