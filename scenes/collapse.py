"""Mode collapse beside a fix: two recordings (e.g. ring8 and the same run with a remedy), synchronised on
training step, each showing D's surface with the generated density and the modes captured.

    gananim scene scenes/collapse.py runs/ring8 runs/ring8-fix
"""

from manim import Text

from gananim.manim.blocks import INK, Clock, DSurface, Plane, ScalarChart, modes_marker, on_top
from gananim.manim.scene import Needs, RecordingScene

COLOURS = ("#b2182b", "#2166ac")


class Collapse(RecordingScene):
    NEEDS = Needs(count=2, data_dim=2, discriminator=True, example="ring8 ring8-fix")
    TITLE = "Mode collapse, and a fix"
    SUBTITLE = "the same data, two trainings, side by side"
    INTRO = ("Left: the generator squeezes its samples onto a few of the data's modes (crosses).",
             "Right: the same problem trained with a fix.",
             "Red is where the generator puts its samples; purple is where D says 'real'.")
    CLOSING = ("Collapse: many z, one output — the modes D rejects are never revisited.",
               "Count the modes captured below each panel.")

    def layout(self) -> Clock:
        recs = self.recs
        clock = Clock(recs)
        names = [_name(r, k) for k, r in enumerate(recs)]
        lines = []
        for rec, x, name, colour in zip(recs, (-3.5, 3.5), names, COLOURS):
            plane = Plane(rec.view_box, center=(x, 0.85, 0), height=4.9)
            self.add(DSurface(rec, plane, clock), *on_top(plane.box(), modes_marker(rec, plane)))
            self.add(Text(name, font_size=24, color=INK, weight="BOLD").move_to((x, 3.7, 0)))
            lines.append((rec, "modes_captured", colour, name))
        chart = ScalarChart(lines, clock, center=(0.9, -2.5, 0), width=8.5, height=0.95, title="modes captured")
        self.add(chart.static, chart)
        self.counter(clock, (-6.9, -2.5, 0))
        self.captions(clock, labels=names)
        return clock


def _name(rec, k: int) -> str:
    name = rec.path.name or (rec.manifest.get("config") or {}).get("name")
    return name or ("left", "right")[k]


SCENE = Collapse
