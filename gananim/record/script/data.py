"""--data FILE and --view-box: the data a script's recording is measured against, when D's real batches won't do."""

from __future__ import annotations

import numpy as np

from gananim.errors import GananimError


def load_data(data_file: str | None, view_box: str | None):
    """Real samples from a .npy/.npz file, a view box from "LOW,HIGH[,LOW,HIGH]", or None (D's real batches)."""
    if data_file and view_box:
        raise GananimError("--data and --view-box exclude each other: give real samples or a view box")
    if view_box:
        try:
            numbers = [float(v) for v in view_box.replace(":", ",").split(",")]
        except ValueError:
            numbers = []
        if len(numbers) not in (2, 4) or any(lo >= hi for lo, hi in zip(numbers[::2], numbers[1::2])):
            raise GananimError(
                f"--view-box takes LOW,HIGH for 1D data or XLOW,XHIGH,YLOW,YHIGH for 2D, got {view_box!r}"
            )
        return [tuple(numbers[i : i + 2]) for i in range(0, len(numbers), 2)]
    if data_file:
        try:
            loaded = np.load(data_file, allow_pickle=False)
        except (OSError, ValueError) as e:
            raise GananimError(
                f"cannot read --data {data_file}: {e} (give a .npy or .npz file of real samples)"
            ) from None
        if isinstance(loaded, np.lib.npyio.NpzFile):
            if len(loaded.files) != 1:
                raise GananimError(
                    f"--data {data_file} holds {len(loaded.files)} arrays ({', '.join(loaded.files[:5])}); "
                    "give a .npy file or an .npz with the real samples only"
                )
            loaded = loaded[loaded.files[0]]
        return loaded
    return None
