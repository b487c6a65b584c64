"""Swaying: early in training the whole mapping z ↦ G(z) swings back and forth across the data before it
spreads out over it (seeds/003, video 1).

    gananim scene scenes/swaying.py runs/five-clusters
"""

from manim import UP, Text

from gananim.analysis import analyse
from gananim.manim.blocks import INK, Clock, DSurface, MappingArrows, Plane, SampleCloud, ScalarChart, mapping_box, modes_marker, on_top
from gananim.manim.scene import Needs, RecordingScene


class Swaying(RecordingScene):
    NEEDS = Needs(count=1, data_dim=2, discriminator=False, example="five-clusters")
    TITLE = "Swaying"
    SUBTITLE = "how the generator's mapping finds the data"
    INTRO = ("Each arrow takes a point z of the latent grid to G(z); colours follow z's place in the grid.",
             "Early on, the whole mapping sways from side to side as D pushes it around,",
             "before it stretches out over the data (light purple).")
    CLOSING = ("The mapping first moves as one piece, swaying after D,",
               "then stretches and folds to cover the data.")

    def layout(self) -> Clock:
        rec = self.recs[0]
        clock = Clock([rec])
        plane = Plane(mapping_box(rec), center=(-2.2, 0.35, 0), height=6.4)
        background = DSurface(rec, plane, clock, base="data", density=False)
        arrows = MappingArrows(rec, plane, clock, head=0.08, stroke_width=1.4)
        self.add(background, arrows, *on_top(plane.box(), modes_marker(rec, plane)))
        self.add(Text("z ↦ G(z) over the data", font_size=20, color=INK).next_to(plane.box()[0], UP, buff=0.08))
        small = Plane(rec.view_box, center=(4.6, 1.5, 0), height=3.0)
        self.add(DSurface(rec, small, clock), SampleCloud(rec, small, clock, stroke_width=3), *on_top(small.box(), modes_marker(rec, small, 0.05)))
        self.add(Text("samples and D", font_size=18, color=INK).next_to(small.box()[0], UP, buff=0.08))
        name = "centroid_x" if "centroid_x" in analyse(rec).series else "g_loss"
        chart = ScalarChart([(rec, name, "#1b9e77", "")], clock, center=(4.6, -1.85, 0), width=4.4, height=1.5,
                            title="centre of the samples, x" if name == "centroid_x" else "G loss")
        self.add(chart.static, chart)
        self.counter(clock, (2.4, 3.65, 0))
        self.captions(clock)
        return clock


SCENE = Swaying
