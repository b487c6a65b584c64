"""D's decision surface as mountains: height = D(x), the generated density painted red on it, the camera
slowly orbiting (seeds/003, video 3).

    gananim scene scenes/mountains.py runs/ring8
"""

from manim import Text

from gananim.manim.blocks import INK, Clock, Mountains
from gananim.manim.scene import Needs, RecordingScene


class MountainsScene(RecordingScene):
    NEEDS = Needs(count=1, data_dim=2, discriminator=True, example="ring8")
    TITLE = "The discriminator's mountains"
    SUBTITLE = "D(x) as a landscape, the generator's samples as red paint"
    INTRO = ("Height is D(x): mountains where D says 'real', valleys where it says 'fake'.",
             "The generated density is painted red; crosses mark the data's modes.",
             "The generator climbs the slopes; D keeps moving the mountains.")
    CLOSING = ("Where the red settles, D flattens toward ½:",
               "a mountain that shrinks is a mode D has forgotten.")
    TRAIN_SECONDS = 24.0

    def layout(self) -> Clock:
        rec = self.recs[0]
        clock = Clock([rec])
        surface = Mountains(rec, clock, center=(0, 0.0, 0), width=12.0, height=6.6)
        self.add(surface)
        self.add(Text("D(x): purple = real, white = fake; red = generated", font_size=18, color=INK).move_to((0, 3.7, 0)))
        self.counter(clock, (-6.9, 3.65, 0))
        self.captions(clock)
        return clock


SCENE = MountainsScene
