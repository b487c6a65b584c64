"""Mode collapse beside a remedy: two recordings of the same data (ring8-metz and ring8-metz-unrolled by default),
each showing D's surface with the generated density and the modes captured. Recordings of the same length play
synchronised on training step; of different lengths (ring8-metz trains 50,000 cheap steps, ring8-metz-unrolled
6,000 steps that each cost about seven) each plays over its whole run, with its own step counter, and the subtitle
says so.
The cards compare what the two recordings captured (gananim.rendering.manim.words), whichever way it went.

    gananim scene collapse                     # records runs/ring8-metz and runs/ring8-metz-unrolled if needed
    gananim scene scenes/collapse.py runs/ring8 runs/ring8-unrolled
"""

import numpy as np
from manim import Text

from gananim.rendering.manim.blocks import INK, Clock, DSurface, Plane, ScalarChart, StepCounter, modes_marker, on_top
from gananim.rendering.manim.scene import Needs, RecordingScene
from gananim.rendering.manim.words import happenings, modes

COLOURS = ("#b2182b", "#2166ac")


class Collapse(RecordingScene):
    NEEDS = Needs(count=2, data_dim=2, discriminator=True, example="ring8-metz ring8-metz-unrolled")
    TITLE = "Mode collapse, and a remedy"
    STORY = "collapse"
    INTRO = (
        "Crosses: the data's modes, numbered as the captions name them; red: where each generator puts its samples;",
        "purple: where its discriminator says 'real'. A collapsed generator covers only a few of the modes.",
        "Below: how many modes each one captures (a mode counts once a sample lies within 3σ of it).",
    )

    def subtitle(self) -> str:
        a, b = (r.manifest.get("target") for r in self.recs)
        same = a == b
        left, right = self.names()
        said = f"{left} beside {right}: " + (
            "the same data, two trainings" if same else "two trainings on different data"
        )
        if not _same_length(self.recs):
            said += ", each shown over its whole run"
        return said

    def findings(self) -> list[str]:
        left, right = facts = self.facts()
        lines = []
        for f in facts:
            said = modes(f)
            if said:
                lines.append(said)
            lines += happenings(f, ("collapse", "mode_hop"), limit=1)
        k = [f.last_value("modes_captured") for f in facts]  # what the chart ends on
        moot = any(f.windows_overlap for f in facts)
        if all(np.isfinite(k)) and not moot:
            if round(k[1]) > round(k[0]):
                lines.append(f"{right.name} ends with more modes captured than {left.name}.")
            elif round(k[1]) < round(k[0]):
                lines.append(f"{right.name} ends with fewer modes captured than {left.name}: no improvement here.")
            else:
                lines.append("Both end with the same number of modes captured: no difference here.")
        return lines

    def layout(self) -> Clock:
        recs = self.recs
        clock = Clock(recs, sync="step" if _same_length(recs) else "progress")
        names = self.names()
        counts, shares = [], []
        for rec, x, name, colour in zip(recs, (-3.5, 3.5), names, COLOURS):
            plane = Plane(rec.view_box, center=(x, 1.0, 0), height=4.6)
            self.add(DSurface(rec, plane, clock), *on_top(plane.box(), modes_marker(rec, plane, numbered=True)))
            self.add(Text(name, font_size=24, color=INK, weight="BOLD").move_to((x, 3.7, 0)))
            if clock.sync == "progress":  # each its own steps: a counter under each panel
                counter = StepCounter(clock, rec=rec, font_size=18).place((x - 0.75, -1.5, 0))
                self.add(counter.label, counter)
            counts.append((rec, "modes_captured", colour, name))
            shares.append((rec, "hq_share", colour, ""))
        n = max(max(len(r.modes) for r in recs), 1)
        # the count never alone: beside it the share of samples that count at all (issue 10, item 4)
        captured = ScalarChart(
            counts,
            clock,
            center=(-3.1, -2.55, 0),
            width=5.6,
            height=0.8,
            title=f"modes captured, of {n}",
            y_range=(0, n),
        )
        share = ScalarChart(
            shares,
            clock,
            center=(3.8, -2.55, 0),
            width=5.6,
            height=0.8,
            title="share of samples within 3σ of a mode",
            y_range=(0, 1),
        )
        self.add(captured.static, captured, share.static, share)
        if clock.sync == "step":
            self.counter(clock, (-6.9, 3.7, 0))
        self.captions(clock, labels=names)
        return clock


def _same_length(recs) -> bool:
    return len({int(r.steps[-1]) for r in recs}) == 1


SCENE = Collapse
