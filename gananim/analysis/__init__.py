"""Analysis: what a recording shows, computed from its stored arrays off the training path.

from gananim.analysis import analyse
a = analyse(gananim.load("runs/ring8"))   # series per snapshot, detected events, cached beside the recording

analyser  analyse(): the series and events of a recording, with their caches (analysis.npz, events.json)
metrics   divergences and scores on plain arrays (the points kind's mode metrics use them)
events    the event rules on scalar series, and the Event record
summary   the rows `gananim info` prints
"""

from gananim.analysis.analyser import EVENTS_FILE, SERIES_FILE, Analysis, analyse

__all__ = ["EVENTS_FILE", "SERIES_FILE", "Analysis", "analyse"]
