"""Watch a running script through torch's global hooks: find G and D, then drive a Recorder by G's optimizer.

Until the pair is found every module call goes to a CallGraph (gananim.record.script.detect). At the first optimizer step
that moves G's or D's parameters, with a real batch seen, the Recorder starts (step = G's optimizer steps so far,
before this step changes any weight) and the module hook is removed: from then on only the optimizer hooks and the
backward wrapper run, as cheap as `Recorder.attach`. Losses: the last scalar whose `.backward()` ran before an
optimizer's step finished is that optimizer's loss, `g_loss` for G's optimizer, `d_loss` for D's.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import torch
from torch.nn.modules.module import register_module_forward_hook, register_module_forward_pre_hook
from torch.optim.optimizer import register_optimizer_step_post_hook, register_optimizer_step_pre_hook

from gananim.errors import GananimError
from gananim.record.game_graph import game_of_d_loss, game_of_g_loss, ops_above, output_node
from gananim.record.script import names
from gananim.record.script.conditional import conditional_pair
from gananim.record.script.detect import CallGraph, PerSample, first_tensor, scores_per_sample

SCORED = 64  # scored outputs kept for the next loss's graph walk (a D's own last layer scores too)


class StopScript(BaseException):
    """Raised inside the script to stop it with one line: a BaseException, so its `except Exception` lets it pass.
    `discard`: the recording just started is not the user's (another pair was found): remove it."""

    def __init__(self, message: str, discard: bool = False):
        super().__init__(message)
        self.discard = discard


def holds(optimizer, module) -> bool:
    ours = {id(p) for p in module.parameters()}
    return any(id(p) in ours for group in optimizer.param_groups for p in group["params"])


class Watcher:
    """Install with `with Watcher(...) as w:` around the script; `w.recorder` is the Recorder once G and D are found.

    - `start(G, D, data, found, conditional, inferred)`: makes the Recorder (`data` None: the real batches D was
      shown), `found` for the manifest, `conditional` (Labels, the real batch's labels, G's latent shape as the
      script called it) for a pair called G(z, y) and D(x, y), `inferred` the game read from the losses' graphs
      before the start (Recorder(inferred=...)).
    - `generator`, `discriminator`: the names the user passed (--generator/--discriminator), or None to guess.
    - `data_given`: --data or --view-box was passed (no need to wait for a real batch).
    Attribute paths start at the running script's globals (runpy makes them sys.modules["__main__"]) and frames.
    """

    def __init__(
        self, start: Callable, generator: str | None = None, discriminator: str | None = None, data_given: bool = False
    ):
        self.start, self.data_given = start, data_given
        self.wanted = (generator, discriminator)
        self.graph = CallGraph()
        self.recorder = None
        self.pair = None  # (G, D) once found, with self.found: how
        self.steps: dict[int, list] = {}  # id(optimizer) -> [optimizer, its steps before the Recorder started]
        self.g_opt = None
        self.count = 0
        self.losses: dict[str, torch.Tensor] = {}
        self._loss = None  # the last scalar backward since the last optimizer step
        # the game, read from the losses' graphs until the Recorder starts (gananim.record.game_graph): the output
        # nodes of calls that scored one number per sample, and per optimizer the operations its loss put on them
        self._scores: dict[int, tuple[object, object]] = {}  # id(node) -> (node, module)
        self._loss_ops: dict[object, set[str]] | None = None  # the last backward's: module -> operations
        self._ops_by_opt: dict[int, dict] = {}
        self._started_by = None
        self._handles, self._backward = [], None

    # --- install / remove --------------------------------------------------------------------------

    def __enter__(self) -> "Watcher":
        self._handles = [
            register_module_forward_pre_hook(self.graph.on_enter),
            register_module_forward_hook(self._on_forward, always_call=True),
            register_optimizer_step_pre_hook(self._before_step),
            register_optimizer_step_post_hook(self._after_step),
        ]
        self._backward = original = torch.Tensor.backward

        def backward(tensor, *args, **kwargs):
            if tensor.numel() == 1:
                self._loss = tensor.detach()
                if self.recorder is None and self._scores:  # before the start only: one graph walk per loss
                    self._loss_ops = self._read_game(tensor)
            return original(tensor, *args, **kwargs)

        torch.Tensor.backward = backward
        return self

    def __exit__(self, *exc) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []
        if self._backward is not None:
            torch.Tensor.backward = self._backward
            self._backward = None

    # --- hooks -------------------------------------------------------------------------------------

    def _on_forward(self, module, args, out) -> None:
        self.graph.on_call(module, args, out)
        node = output_node(out)
        if self.recorder is None and node is not None and scores_per_sample(first_tensor(args), out):
            self._scores[id(node)] = (node, module)
            while len(self._scores) > SCORED:  # a loop of evaluations between updates: the newest are the loss's
                del self._scores[next(iter(self._scores))]

    def _read_game(self, loss) -> dict:
        """For each scoring module, the operations `loss` put on its outputs; the scored outputs are then dropped
        (each backward frees its graph)."""
        by_module: dict[int, list] = {}
        for node, module in self._scores.values():
            by_module.setdefault(id(module), [module, []])[1].append(node)
        self._scores.clear()
        return {module: ops_above(loss.grad_fn, nodes) for module, nodes in by_module.values()}

    def _inferred_game(self, optimizer, G, D) -> dict:
        """The game D's loss says (else G's, where G stepped first), from the graphs seen before this first step."""
        pending = self._loss_ops or {}
        losses = dict(self._ops_by_opt)
        if pending:
            losses[id(optimizer)] = {"optimizer": optimizer, "ops": pending}
        for want, read in ((D, game_of_d_loss), (G, game_of_g_loss)):
            for entry in losses.values():
                if holds(entry["optimizer"], want):
                    found = read(entry["ops"].get(D, set()))
                    if found:
                        return found
        return {}

    def _before_step(self, optimizer, args, kwargs) -> None:
        try:
            if self.recorder is None:
                self._try_start(optimizer)
            elif optimizer is self._started_by:
                self._check_alone()
        except GananimError as e:
            raise StopScript(str(e), discard=self.recorder is not None) from None

    def _check_alone(self) -> None:
        """One loop iteration after the start: if another pair ran meanwhile, which to record is the user's call."""
        self._started_by = None
        self._find()  # raises on several pairs
        for handle in self._handles[:2]:  # the module hooks: from here on, the script runs without them
            handle.remove()
        del self._handles[:2]
        self.graph.clear()

    def _after_step(self, optimizer, args, kwargs) -> None:
        loss, self._loss = self._loss, None
        if self.recorder is None:
            self.steps.setdefault(id(optimizer), [optimizer, 0])[1] += 1
            if self._loss_ops:
                self._ops_by_opt[id(optimizer)] = {"optimizer": optimizer, "ops": self._loss_ops}
            self._loss_ops = None
            return
        self._loss_ops = None
        G, D = self.pair
        if self.g_opt is None and holds(optimizer, G):
            self.g_opt = optimizer
        if loss is not None:
            if optimizer is self.g_opt:
                self.losses["g_loss"] = loss
            elif D is not None and holds(optimizer, D):
                self.losses["d_loss"] = loss
        if optimizer is self.g_opt:
            self.count += 1
            try:
                self.recorder.step(self.count, **self.losses)
            except GananimError as e:
                raise StopScript(str(e)) from None

    # --- finding G and D ----------------------------------------------------------------------------

    def _try_start(self, optimizer) -> None:
        found = self._find()
        if found is None:
            return
        (G, D), how, paths = found
        if not (holds(optimizer, G) or holds(optimizer, D)):
            return  # another model's step: the GAN's own first step starts the recording
        real = None if self.data_given else self.graph.real_batches(D)
        if real is None and not self.data_given:
            return  # D has not been shown a real batch yet: wait for one
        labels, real_y, latent, said = conditional_pair(self.graph, G, D, self.data_given)
        self.pair = (G, D)
        self.found = {"generator": names.describe(G, paths), "discriminator": names.describe(D, paths), "how": how}
        if labels is not None:
            self.found["conditional"] = said
        self._started_by = optimizer  # the module hooks stay until it steps again, to see one whole iteration
        self.g_opt, self.count = next(((o, n) for o, n in self.steps.values() if holds(o, G)), (None, 0))
        inferred = self._inferred_game(optimizer, G, D)
        self._scores.clear()
        scorer = PerSample(D) if self.graph.score_ndim.get(id(D), 1) > 2 else D
        self.recorder = self.start(
            G, scorer, real, self.found, (labels, real_y, latent) if labels is not None else None, inferred
        )
        self.recorder.snapshot(self.count)  # the models before this step moves them

    def _find(self):
        """((G, D), how they were found, module paths) or None while nothing fits yet; GananimError when ambiguous."""
        g_name, d_name = self.wanted
        pairs = self.graph.pairs()
        if not pairs and not (g_name and d_name):
            return None
        paths = names.module_paths(names.namespaces(sys.modules["__main__"].__dict__))
        seen = list(self.graph.seen.values())
        if g_name and d_name:
            G = names.matching(g_name, seen, paths, "--generator")
            D = names.matching(d_name, seen, paths, "--discriminator")
            return None if G is None or D is None else ((G, D), "named by --generator and --discriminator", paths)
        if g_name or d_name:
            G = g_name and names.matching(g_name, seen, paths, "--generator")
            D = d_name and names.matching(d_name, seen, paths, "--discriminator")
            pairs = [(g, d) for g, d in pairs if (G is None or g is G) and (D is None or d is D)]
            how = f"watched (the pair with the {'generator' if g_name else 'discriminator'} named on the command line)"
        else:
            how = "watched: the module fed noise whose output another module scored one number per sample"
        if len(pairs) > 1:
            listed = "; ".join(f"{names.describe(g, paths)} -> {names.describe(d, paths)}" for g, d in pairs[:4])
            raise GananimError(
                f"found {len(pairs)} generator -> discriminator candidates ({listed}); "
                "pick one with --generator NAME --discriminator NAME"
            )
        return (pairs[0], how, paths) if pairs else None

    def not_found(self) -> str:
        """Why nothing was recorded, in one line, once the script has ended."""
        g_name, d_name = self.wanted
        paths: dict = {}  # the script has ended: its variables are gone, class names say enough
        seen = list(self.graph.seen.values())
        ran = ", ".join(sorted({type(m).__name__ for m in seen})[:8]) or "none"
        if g_name or d_name:
            return (
                f"no generator/discriminator pair matched --generator {g_name or '(any)'} --discriminator {d_name or '(any)'} "
                f"(module classes that ran: {ran}); pass the attribute paths or class names of modules the script calls"
            )
        pairs = self.graph.pairs()
        if pairs:
            g, d = pairs[0]
            return (
                f"found {names.describe(g, paths)} -> {names.describe(d, paths)} but the discriminator was never shown "
                "a batch of its own (real data) before an optimizer step; pass --data FILE.npy (or --view-box for 1D/2D data)"
            )
        return (
            f"no GAN found: {len(seen)} modules ran (classes: {ran}) and {sum(n for _, n in self.steps.values())} optimizer steps, but no "
            "module fed noise had its output scored one number per sample by another; "
            "name them with --generator NAME --discriminator NAME"
        )
