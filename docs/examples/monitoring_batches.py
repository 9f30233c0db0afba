"""Samples for the recipe "monitoring data quality" (docs/your-data.md).

Writes, in FOLDER, a reference sample and eight batches of "detector data" of one feature (an
energy, say) whose Standard-Model density is e^{-x}:
  reference.npy     20 000 events of e^{-x}: the simulation every batch is tested against;
  batch-01.npy …    Poisson(2000) events of e^{-x} each, as a healthy detector records them,
  batch-08.npy      except batch-05 (a miscalibrated energy scale: every x 10 % too high) and
                    batch-07 (a hot spot: 80 extra events near x = 1.6, as from a noisy channel);
  runs.h5           the same, when h5py is installed: /sm/reference and the group /batches with
                    one dataset per batch (nplm fit --data runs.h5:/batches fits them all).

Usage: python3 monitoring_batches.py [FOLDER]   (numpy; h5py optional)
"""
import os
import sys

import numpy as np

folder = sys.argv[1] if len(sys.argv) > 1 else "."
rng = np.random.default_rng(21)
os.makedirs(folder, exist_ok=True)

reference = rng.exponential(size=20_000)
batches = {}
for k in range(1, 9):
    events = rng.exponential(size=rng.poisson(2000))
    if k == 5:
        events = 1.1 * events
    if k == 7:
        events = np.concatenate([events, rng.normal(1.6, 0.1, size=80)])
    batches[f"batch-{k:02d}"] = events

np.save(os.path.join(folder, "reference.npy"), reference)
for name, events in batches.items():
    np.save(os.path.join(folder, name + ".npy"), events)
written = "reference.npy, batch-01.npy … batch-08.npy"
try:
    import h5py
except ImportError:
    h5py = None
if h5py is not None:
    with h5py.File(os.path.join(folder, "runs.h5"), "w") as f:
        f.create_dataset("sm/reference", data=reference)
        for name, events in batches.items():
            f.create_dataset(f"batches/{name}", data=events)
    written += ", runs.h5"
print(f"wrote {written} in {folder}")
