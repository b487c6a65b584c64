"""A discriminator too strong for its generator (strong-d) beside the same game with instance noise (noisy),
with the objective V(G, D) against its optimum −2 log 2 (seeds/004). The cards say what these recordings did:
"G crawls" only where D stayed confident and V stayed away from the optimum (gananim.rendering.manim.words).

    gananim scene scenes/strong_discriminator.py runs/strong-d runs/noisy
"""

from manim import Text

from gananim.rendering.manim.blocks import DATA_BLUE, GENERATED_RED, INK, LOG4, Clock, Goodfellow1D, ScalarChart
from gananim.rendering.manim.scene import Needs, RecordingScene
from gananim.rendering.manim.words import at_optimum, crawls, fmt, gradient, verdict


class StrongDiscriminator(RecordingScene):
    NEEDS = Needs(count=2, data_dim=1, discriminator=True, example="strong-d noisy")
    TITLE = "When the discriminator is too strong"
    STORY = "strong_discriminator"
    INTRO = (
        "Green: D(x), from 0 (fake) to 1 (real); blue: the data; red: where G puts its samples.",
        "Below: the objective V(G, D) against its optimum −2 log 2, where D = ½ everywhere.",
    )

    def subtitle(self) -> str:
        strong, noisy = self.facts()
        k, sigma = strong.train("d_steps"), noisy.train("instance_noise")
        if k and sigma:
            return f"{k} D steps for every G step, and the same game with noise σ {fmt(sigma, 2)} on D's inputs"
        return "a strong discriminator beside a second game"

    def intro(self) -> list[str]:
        lines = []
        for f, side in zip(self.facts(), ("Left", "Right")):
            k, g, sigma = f.train("d_steps"), f.train("g_steps", 1), f.train("instance_noise")
            how = [f"{k} D step{'s' * (k != 1)} per {'G step' if g == 1 else f'{g} G steps'}"] if k else []
            how += [f"N(0, {fmt(sigma, 2)}²) noise added to D's inputs"] if sigma else []
            lines.append(f"{side}: {f.name}" + (f", {', '.join(how)}." if how else "."))
        return lines + list(self.INTRO)

    def findings(self) -> list[str]:
        strong, noisy = facts = self.facts()
        lines = []
        for f in facts:
            lines.append(verdict(f))
            said = gradient(f)
            if said:
                lines.append(said)
        if crawls(strong) and at_optimum(noisy):
            lines.append(
                f"Only {noisy.name} reached −2 log 2 here; D was confident for {noisy.confident_share:.0%} of its run, "
                f"for {strong.confident_share:.0%} of {strong.name}'s."
            )
        elif at_optimum(strong) and at_optimum(noisy):
            lines.append("Both games reached the optimum here: these recordings do not show a strong D failing.")
        elif not (at_optimum(strong) or at_optimum(noisy)):
            lines.append(f"Neither game reached the optimum in {strong.last} and {noisy.last} steps.")
        return lines

    def layout(self) -> Clock:
        strong, noisy = self.recs
        clock = Clock([strong, noisy])
        names = self.names()
        for rec, x, name in ((strong, -3.5, names[0]), (noisy, 3.5, names[1])):
            fig = Goodfellow1D(rec, clock, center=(x, 1.2, 0), width=5.9, height=4.1)
            self.add(fig.static, fig, fig.overlay)
            self.add(Text(name, font_size=24, color=INK, weight="BOLD").move_to((x, 3.75, 0)))
        chart = ScalarChart(
            [(strong, "value", GENERATED_RED, names[0]), (noisy, "value", DATA_BLUE, names[1])],
            clock,
            center=(0.9, -2.35, 0),
            width=9.5,
            height=1.2,
            title="V(G, D)",
            refs=[(LOG4, "−2 log 2")],
        )
        self.add(chart.static, chart)
        self.counter(clock, (-6.9, -2.3, 0))
        self.captions(clock, labels=names)
        return clock


SCENE = StrongDiscriminator
