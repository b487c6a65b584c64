"""A discriminator too strong for its generator (strong-d) beside the same game with instance noise (noisy),
with the objective V(G, D) against its optimum −2 log 2 (seeds/004).

    gananim scene scenes/strong_discriminator.py runs/strong-d runs/noisy
"""

from manim import Text

from gananim.manim.blocks import DATA_BLUE, GENERATED_RED, INK, LOG4, Clock, Goodfellow1D, ScalarChart
from gananim.manim.scene import Needs, RecordingScene


class StrongDiscriminator(RecordingScene):
    NEEDS = Needs(count=2, data_dim=1, discriminator=True, example="strong-d noisy")
    TITLE = "A discriminator that is too strong"
    SUBTITLE = "50 D steps for every G step — and the same game with noise"
    INTRO = ("Left: D wins outright, its curve saturates, and G's gradient vanishes.",
             "Right: the same game with noise added to D's inputs.",
             "Below: the objective V(G, D) against its optimum −2 log 2.")
    CLOSING = ("A saturated D gives G no gradient to follow: G crawls.",
               "Instance noise keeps D smooth, and V approaches −2 log 2, D approaches ½.")

    def layout(self) -> Clock:
        strong, noisy = self.recs
        clock = Clock([strong, noisy])
        names = [_name(strong, "strong D"), _name(noisy, "noisy")]
        for rec, x, name in ((strong, -3.5, names[0]), (noisy, 3.5, names[1])):
            fig = Goodfellow1D(rec, clock, center=(x, 1.2, 0), width=5.9, height=4.1)
            self.add(fig.static, fig)
            self.add(Text(name, font_size=24, color=INK, weight="BOLD").move_to((x, 3.75, 0)))
        chart = ScalarChart([(strong, "value", GENERATED_RED, names[0]), (noisy, "value", DATA_BLUE, names[1])], clock,
                            center=(0.9, -2.35, 0), width=9.5, height=1.2, title="V(G, D)", refs=[(LOG4, "−2 log 2")])
        self.add(chart.static, chart)
        self.counter(clock, (-6.9, -2.3, 0))
        self.captions(clock, labels=names)
        return clock


def _name(rec, default: str) -> str:
    return (rec.manifest.get("config") or {}).get("name") or default


SCENE = StrongDiscriminator
