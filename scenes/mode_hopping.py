"""Mode hopping: a collapsed generator jumps from mode to mode while D chases it (four-points or ring8).

    gananim scene scenes/mode_hopping.py runs/ring8 [--quality low|medium|high] [--out FILE|--embed]
"""

from manim import UP, Text

from gananim.manim.blocks import INK, Clock, DSurface, MappingArrows, Plane, ScalarChart, mapping_box, modes_marker, on_top
from gananim.manim.scene import Needs, RecordingScene


class ModeHopping(RecordingScene):
    NEEDS = Needs(count=1, data_dim=2, discriminator=True, example="ring8")
    TITLE = "Mode hopping"
    SUBTITLE = "a GAN that never settles"
    INTRO = ("The generator (red) piles its samples onto one mode of the data (crosses).",
             "The discriminator (purple = real, white = fake) learns to reject that mode,",
             "so the generator jumps to another one — and the chase starts again.")
    CLOSING = ("The generator covers one mode at a time instead of all of them:",
               "D's surface keeps moving, and the game does not converge.")

    def layout(self) -> Clock:
        rec = self.recs[0]
        clock = Clock([rec])
        plane = Plane(rec.view_box, center=(-2.7, 0.45, 0), height=6.2)
        surface = DSurface(rec, plane, clock)
        self.add(surface, *on_top(plane.box(), modes_marker(rec, plane)))
        self.add(Text("D(x) and the generated density", font_size=20, color=INK).next_to(surface, UP, buff=0.1))
        small = Plane(mapping_box(rec), center=(4.3, 1.55, 0), height=2.9)
        arrows = MappingArrows(rec, small, clock, head=0.06, stroke_width=1.2)
        self.add(small.box(), modes_marker(rec, small, size=0.05), arrows)
        self.add(Text("the mapping z ↦ G(z)", font_size=18, color=INK).next_to(small.box()[0], UP, buff=0.08))
        chart = ScalarChart([(rec, "modes_captured", "#b2182b", "")], clock, center=(4.3, -1.75, 0), width=4.6, height=1.7,
                            title="modes captured")
        self.add(chart.static, chart)
        self.counter(clock, (2.2, 3.65, 0))
        self.captions(clock)
        return clock


SCENE = ModeHopping
