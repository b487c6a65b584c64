"""Swaying: early in training the whole mapping z ↦ G(z) can swing back and forth across the data before it
spreads out over it (seeds/003, video 1). The cards say whether this recording swayed (gananim.rendering.manim.words).

    gananim scene swaying                      # records runs/circle if needed (the preset whose default run sways)
    gananim scene scenes/swaying.py runs/five-clusters
"""

from manim import UP, Text

from gananim.analysis import analyse
from gananim.rendering.manim.blocks import (
    INK,
    Clock,
    DSurface,
    MappingArrows,
    Plane,
    SampleCloud,
    ScalarChart,
    mapping_box,
    modes_marker,
    on_top,
)
from gananim.rendering.manim.scene import Needs, RecordingScene
from gananim.rendering.manim.words import happenings, modes, verdict


class Swaying(RecordingScene):
    NEEDS = Needs(count=1, data_dim=2, discriminator=False, example="circle")
    TITLE = "Swaying"
    STORY = "swaying"
    SUBTITLE = "the generator's mapping z ↦ G(z) as it trains"
    INTRO = (
        "Each arrow takes a point z of the latent grid to G(z); colours follow z's place in the grid.",
        "Light purple: the data; right: the samples over D; below: the centre of the samples, x.",
        "Swaying: the whole mapping swinging from side to side as one piece, pushed around by D.",
    )

    def findings(self) -> list[str]:
        f = self.facts()[0]
        lines = happenings(f, ("sway",), limit=2) or [
            f"{f.name}: no regular swaying of the samples' centre was detected in steps {f.first}–{f.last}"
        ]
        lines += happenings(f, ("mode_hop",), limit=2)
        said = modes(f)
        if said:
            lines.append(said)
        if "value" in f.final:
            lines.append(verdict(f))
        return lines

    def layout(self) -> Clock:
        rec = self.recs[0]
        clock = Clock([rec])
        plane = Plane(mapping_box(rec), center=(-2.2, 0.35, 0), height=6.0)
        background = DSurface(rec, plane, clock, base="data", density=False)
        arrows = MappingArrows(rec, plane, clock, head=0.08, stroke_width=1.4)
        self.add(background, arrows, *on_top(plane.box(), modes_marker(rec, plane, numbered=True)), arrows.outside)
        self.add(Text("z ↦ G(z) over the data", font_size=20, color=INK).next_to(plane.box()[0], UP, buff=0.08))
        small = Plane(rec.view_box, center=(4.6, 1.5, 0), height=3.0)
        cloud = SampleCloud(rec, small, clock, stroke_width=3)
        self.add(
            DSurface(rec, small, clock), cloud, *on_top(small.box(), modes_marker(rec, small, 0.05)), cloud.outside
        )
        self.add(Text("samples and D", font_size=18, color=INK).next_to(small.box()[0], UP, buff=0.08))
        name = "centroid_x" if "centroid_x" in analyse(rec).series else "g_loss"
        chart = ScalarChart(
            [(rec, name, "#1b9e77", "")],
            clock,
            center=(4.6, -1.85, 0),
            width=4.4,
            height=1.5,
            title="centre of the samples, x" if name == "centroid_x" else "G loss",
        )
        self.add(chart.static, chart)
        self.counter(clock, (2.4, 3.65, 0))
        self.captions(clock)
        return clock


SCENE = Swaying
