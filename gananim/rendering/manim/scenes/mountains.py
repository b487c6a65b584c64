"""D's decision surface as mountains: height = D(x), the generated density painted red on it, the camera
slowly orbiting (seeds/003, video 3). The closing card gives this recording's numbers (gananim.rendering.manim.words).

    gananim scene scenes/mountains.py runs/ring8
"""

from manim import Text

from gananim.rendering.manim.blocks import INK, Clock, Mountains
from gananim.rendering.manim.scene import Needs, RecordingScene
from gananim.rendering.manim.words import d_relief, happenings, modes, verdict


class MountainsScene(RecordingScene):
    NEEDS = Needs(count=1, data_dim=2, discriminator=True, example="ring8")
    TITLE = "The discriminator's mountains"
    STORY = "mountains"
    SUBTITLE = "D(x) as a landscape, the generator's samples as red paint"
    INTRO = (
        "Height is D(x): mountains where D says 'real', valleys where it says 'fake'.",
        "The generated density is painted red; crosses mark the data's modes, numbered as the captions name them.",
        "The generator is pushed uphill, toward what D calls real; D reshapes the landscape as it learns.",
    )
    CLOSING = ("Reading it: a mountain that shrinks is a region D stops calling real.",)
    TRAIN_SECONDS = 24.0

    def findings(self) -> list[str]:
        f = self.facts()[0]
        lines = [
            line for line in (d_relief(self.recs[0]), verdict(f) if "value" in f.final else None, modes(f)) if line
        ]
        return lines + happenings(f, ("mode_hop", "collapse", "vanishing_gradient", "divergence"), limit=2)

    def layout(self) -> Clock:
        rec = self.recs[0]
        clock = Clock([rec])
        surface = Mountains(rec, clock, center=(0, 0.0, 0), width=12.0, height=6.6)
        self.add(surface)
        self.add(
            Text("D(x): purple = real, white = fake; red = generated", font_size=18, color=INK).move_to((0, 3.7, 0))
        )
        self.counter(clock, (-6.9, 3.65, 0))
        self.captions(clock)
        return clock


SCENE = MountainsScene
