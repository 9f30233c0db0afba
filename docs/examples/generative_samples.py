"""Samples for the recipe "evaluating a generative model" (docs/your-data.md).

Writes three .npy files of 4-D events (one row per event):
  true.npy       events of the true distribution: two correlated Gaussians, as a detector
                 simulation or a data set a generative model learns from;
  good.npy       events of a generator that learned it exactly (more draws of the same mixture);
  gaussian.npy   events of a generator that learned only its mean and covariance (one Gaussian):
                 the mis-modelling a too-simple normalising flow shows on a multimodal target.

Usage: python3 generative_samples.py [FOLDER] [EVENTS]   (numpy only)
"""
import os
import sys

import numpy as np

folder = sys.argv[1] if len(sys.argv) > 1 else "."
events = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
rng = np.random.default_rng(11)
d = 4


def correlated(scale, rho):
    """A d × d covariance with standard deviations `scale` and correlation `rho` between neighbours."""
    c = np.eye(d)
    for i in range(d - 1):
        c[i, i + 1] = c[i + 1, i] = rho
    return np.outer(scale, scale) * c


means = [np.zeros(d), np.array([1.5, -1.0, 0.5, 1.0])]
covariances = [correlated(np.array([1.0, 0.8, 1.2, 0.9]), 0.5), correlated(np.array([0.6, 0.7, 0.5, 0.8]), -0.3)]
fractions = [0.7, 0.3]


def mixture(n):
    component = rng.choice(2, size=n, p=fractions)
    out = np.empty((n, d))
    for k in range(2):
        rows = component == k
        out[rows] = rng.multivariate_normal(means[k], covariances[k], size=rows.sum())
    return out


true = mixture(events)
good = mixture(events)
pool = mixture(200_000)
gaussian = rng.multivariate_normal(pool.mean(axis=0), np.cov(pool.T), size=events)

os.makedirs(folder, exist_ok=True)
for name, sample in [("true", true), ("good", good), ("gaussian", gaussian)]:
    np.save(os.path.join(folder, name + ".npy"), sample)
print(f"wrote true.npy, good.npy, gaussian.npy ({events} events of {d} features each) in {folder}")
