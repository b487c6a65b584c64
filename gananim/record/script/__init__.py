"""Record an unmodified training script: `gananim record -- python train.py ARGS` (gananim.record.script.record).

runner.py runs the script as python would, watcher.py finds G and D from torch's global hooks (detect.py, names.py)
and drives a Recorder, data.py reads --data/--view-box. Importing this package imports no torch.
"""
