#!/usr/bin/env python3
"""Independent reference values for the Gaussian-mixture benchmark (Tests/NPLMTests/GaussianMixtureBenchmarkTests.swift).

Builds the mixture from the table in GaussianMixtureBenchmark's documentation (and the README) with
numpy and scipy.stats.multivariate_normal, without the Swift code:
- log p_ref(x) and log(n_alt/n_ref)(x) at fixed points near the modified component,
  x_j = ±1.5 (+ for even j) + 0.8·sin(1.3·(j+1) + k) for point k,
- the Asimov q0 = 2 N(R0) E_alt[log r - 1 + 1/r] of the default strengths at d = 5, N(R0) = 2000,
  by Monte Carlo with numpy's generator (its own random numbers, not Philox), with its error.
Run:  python3 tools/gaussian_mixture_reference.py     (numpy 2.4.6, scipy 1.17.1; about a minute)
The printed values are pasted into the tests, each table naming this script.
"""
import numpy as np
from scipy.stats import multivariate_normal as mvn
from scipy.special import logsumexp


def parts(d):
    u = np.arange(d) / (d - 1)
    lag = np.abs(np.subtract.outer(np.arange(d), np.arange(d)))
    equi = lambda r: np.where(np.eye(d) == 1, 1.0, r)
    return [0.5, 0.3, 0.2], [
        (np.zeros(d), np.ones(d), 0.5 ** lag),
        (np.where(np.arange(d) % 2 == 0, 1.5, -1.5), 0.6 * np.ones(d), equi(0.3)),
        (-2 + 4 * u, 0.7 + 0.6 * u, (-0.4) ** lag),
    ]


def modify(component, kind, s):
    m, w, r = (a.copy() for a in component)
    if kind == "shift":
        m[0] += s * w[0]
    elif kind == "widen":
        w = w * (1 + s)
    elif kind == "correlate":
        r = (1 - s) * r + s * 0.8
        np.fill_diagonal(r, 1)
    return m, w, r


def mixture(d, kind=None, s=0.0):
    weights, components = parts(d)
    if kind:
        components[1] = modify(components[1], kind, s)
    return weights, [(m, np.outer(w, w) * r) for m, w, r in components]


def log_density(mix, x):
    weights, components = mix
    return logsumexp(np.stack([np.log(wk) + mvn(m, c).logpdf(x) for wk, (m, c) in zip(weights, components)]), axis=0)


def sample(mix, n, rng):
    weights, components = mix
    k = rng.choice(len(weights), size=n, p=weights)
    x = np.empty((n, len(components[0][0])))
    for j, (m, c) in enumerate(components):
        x[k == j] = rng.multivariate_normal(m, c, size=(k == j).sum())
    return x


print("// ---- (d, signal, strength, point k, log p_ref, log-ratio)  [scipy multivariate_normal]")
for d in (4, 5, 30):
    for kind, s in (("shift", 0.7), ("widen", 0.3), ("correlate", 0.6)):
        for k in range(3):
            x = np.where(np.arange(d) % 2 == 0, 1.5, -1.5) + 0.8 * np.sin(1.3 * (np.arange(d) + 1) + k)
            ref = log_density(mixture(d), x)
            ratio = log_density(mixture(d, kind, s), x) - ref
            print(f"({d}, .{kind}, {s}, {k}, {float(ref)!r}, {float(ratio)!r}),")

print("// ---- q0 at d = 5, N(R0) = 2000, default strengths: (signal, strength, q0, error)  [1e6 events]")
rng = np.random.default_rng(20261202)
for kind, s in (("shift", 0.15), ("widen", 0.05), ("correlate", 0.13)):
    alt = mixture(5, kind, s)
    x = sample(alt, 1_000_000, rng)
    lr = log_density(alt, x) - log_density(mixture(5), x)
    term = np.expm1(-lr) + lr
    print(f"(.{kind}, {s}, {2 * 2000 * term.mean():.4f}, {2 * 2000 * term.std(ddof=1) / np.sqrt(len(term)):.4f}),")
