"""Mode hopping: a collapsed generator jumping from mode to mode while D chases it (four-points or ring8). The
cards count the hops this recording shows (gananim.rendering.manim.words), none where none was detected.

    gananim scene mode_hopping                 # records runs/four-points if needed
    gananim scene scenes/mode_hopping.py runs/four-points [--quality low|medium|high] [--out FILE|--embed]
"""

from manim import UP, Text

from gananim.rendering.manim.blocks import (
    INK,
    Clock,
    DSurface,
    MappingArrows,
    Plane,
    ScalarChart,
    mapping_box,
    modes_marker,
    on_top,
)
from gananim.rendering.manim.scene import Needs, RecordingScene
from gananim.rendering.manim.words import at_optimum, count, happenings, modes, verdict


class ModeHopping(RecordingScene):
    NEEDS = Needs(count=1, data_dim=2, discriminator=True, example="four-points")
    TITLE = "Mode hopping"
    STORY = "mode_hopping"
    INTRO = (
        "Red: where the generator puts its samples; crosses: the data's modes, numbered as the captions name them.",
        "Purple: where the discriminator says 'real'; white: where it says 'fake'.",
        "A hop: the generator's mass leaves one mode for another, often once D has learnt to reject the first.",
    )

    def subtitle(self) -> str:
        f = self.facts()[0]
        hops = f.of_kind("mode_hop")
        if hops:
            return f"{f.name}: {count(len(hops), 'hop')} in {f.last} steps"
        return f"{f.name}: no hop detected in {f.last} steps"

    def findings(self) -> list[str]:
        f = self.facts()[0]
        lines = happenings(f, ("mode_hop",), limit=3) or [
            f"{f.name}: no mode hop was detected in steps {f.first}–{f.last}"
        ]
        lines += happenings(f, ("collapse",), limit=1)
        said = modes(f)
        if said:
            lines.append(said)
        if "value" in f.final:
            lines.append(verdict(f))
        if f.of_kind("mode_hop") and not at_optimum(f):
            lines.append("The generator moved between modes instead of settling on all of them.")
        return lines

    def layout(self) -> Clock:
        rec = self.recs[0]
        clock = Clock([rec])
        plane = Plane(rec.view_box, center=(-2.7, 0.45, 0), height=6.2)
        surface = DSurface(rec, plane, clock)
        self.add(surface, *on_top(plane.box(), modes_marker(rec, plane, numbered=True)))
        self.add(Text("D(x) and the generated density", font_size=20, color=INK).next_to(surface, UP, buff=0.1))
        small = Plane(mapping_box(rec), center=(4.3, 1.55, 0), height=2.9)
        arrows = MappingArrows(rec, small, clock, head=0.06, stroke_width=1.2)
        self.add(small.box(), modes_marker(rec, small, size=0.05), arrows, *on_top(arrows.outside))
        self.add(Text("the mapping z ↦ G(z)", font_size=18, color=INK).next_to(small.box()[0], UP, buff=0.08))
        # the count never alone: beside it the share of samples that count at all (issue 10, item 4)
        n = max(len(rec.modes), 1)
        captured = ScalarChart(
            [(rec, "modes_captured", "#b2182b", "")],
            clock,
            center=(4.3, -1.25, 0),
            width=4.6,
            height=0.7,
            title=f"modes captured, of {n}",
            y_range=(0, n),
        )
        share = ScalarChart(
            [(rec, "hq_share", "#555555", "")],
            clock,
            center=(4.3, -2.55, 0),
            width=4.6,
            height=0.7,
            title="share of samples within 3σ of a mode",
            y_range=(0, 1),
        )
        self.add(captured.static, captured, share.static, share)
        self.counter(clock, (2.2, 3.65, 0))
        self.captions(clock)
        return clock


SCENE = ModeHopping
