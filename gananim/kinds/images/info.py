"""`gananim info`'s rows about an images recording: its data, its classifier and its latents."""

from __future__ import annotations

from gananim.recording.reader import Recording


def _number(v) -> str:
    return f"{float(v):g}"


def classifier_line(info: dict | None) -> str:
    """The classifier behind class coverage: its name, where it came from, its classes and held-out accuracy."""
    if not info:
        return "none: no class coverage (give the Recorder classifier=, a module or callable returning logits)"
    source = "built-in" if info.get("source") == "builtin" else "yours, via classifier="
    accuracy = info.get("accuracy")
    tested = f", held-out accuracy {accuracy:.1%}" if isinstance(accuracy, (int, float)) else ""
    return f"{info.get('name', '?')} ({source}), {info.get('classes', '?')} classes{tested}"


def conditional_line(cond: dict) -> str:
    """A conditional GAN's labels: how many classes, their names, how y was passed, the grid's rows."""
    names = cond["names"]
    shown = ", ".join(names[:10]) + (f", … ({len(names)} in all)" if len(names) > 10 else "")
    how = "one-hot rows" if cond.get("encoding") == "one_hot" else "class indices"
    return (
        f"conditional G(z, y), D(x, y): {cond['n_classes']} classes ({shown}) as {how}; "
        f"the grid has a row per class, {cond['grid_cols']} per row"
    )


def rows(rec: Recording) -> list[tuple[str, str]]:
    m = rec.manifest
    lo, hi = rec.value_range
    shape = "×".join(map(str, rec.sample_shape))
    latent = list(m.get("latent_shape", [m["latent_dim"]]))
    shaped = f" shaped {latent}" if len(latent) > 1 else ""  # e.g. a DCGAN's (z, 1, 1)
    what = f"{shape} images (C×H×W)" if rec.is_image else f"vectors of {rec.sample_shape[0]} numbers"
    pictures = (
        f", {m.get('n_images', '?')} in the grid, {'×'.join(map(str, m.get('interp_shape', ['?'])))} on latent paths"
        if rec.is_image
        else ""
    )
    return [
        (
            "data",
            f"{what}, values in [{_number(lo)}, {_number(hi)}]; {m.get('n_real', '?')} fixed real samples, "
            f"PCA plane grid {m['grid']['size']} per axis",
        ),
        ("classifier", classifier_line(m.get("classifier"))),
        *([("labels", conditional_line(m["conditional"]))] if m.get("conditional") else []),
        (
            "latent",
            f"{m['latent_dim']}D {m.get('prior', '?')}{shaped}, {m.get('n_samples', '?')} fixed samples{pictures}",
        ),
    ]


__all__ = ["classifier_line", "conditional_line", "rows"]
