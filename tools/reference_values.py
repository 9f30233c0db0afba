#!/usr/bin/env python3
"""High-precision reference values for the Statistics tests (Tests/NPLMTests/Statistics*Tests.swift).

Computed independently of the Swift code with mpmath (arbitrary precision, mp.dps = 60 unless a
section says otherwise) and, for the Kolmogorov-Smirnov tails, cross-checked with scipy.stats.
Run:  python3 tools/reference_values.py      (mpmath 1.3.0, scipy 1.17.1; about a minute)
The printed values are pasted into the tests, each table naming this script.
"""
import mpmath as mp
from fractions import Fraction

mp.mp.dps = 60


def g(x, digits=20):
    return mp.nstr(x, digits, min_fixed=-1, max_fixed=-1) if x != 0 else "0.0"


def section(title):
    print()
    print("// ---- " + title)


# ---------------------------------------------------------------------------------------------
# chi^2 survival Q(k/2, t/2) and CDF P(k/2, t/2): mpmath.gammainc(a, x, inf, regularized=True)
section("chi2 survival: (k, t, log Q, Q)  [mpmath gammainc, dps 60]")

CHI2_T = {
    1: [1e-6, 0.5, 1.0, 3.84, 10.0, 50.0, 200.0, 700.0, 1300.0, 1370.0],
    2: [1e-6, 0.5, 2.0, 10.0, 100.0, 600.0, 1380.0, 2000.0],
    12: [0.5, 5.0, 12.0, 21.0, 40.0, 100.0, 400.0, 1400.0],
    13: [0.5, 5.0, 13.0, 22.4, 50.0, 150.0, 700.0, 1420.0],
    96: [20.0, 60.0, 96.0, 130.0, 200.0, 500.0, 1000.0, 1600.0],
    351: [200.0, 300.0, 351.0, 400.0, 500.0, 800.0, 1500.0, 2100.0, 2200.0, 2370.0],
    1000: [1000.0, 1200.0, 3000.0],
    10000: [10100.0],
}
for k, ts in CHI2_T.items():
    for t in ts:
        a = mp.mpf(k) / 2
        x = mp.mpf(t) / 2
        q = mp.gammainc(a, x, mp.inf, regularized=True)
        if q < mp.mpf("1e-307"):  # not a Double: the test checks log Q only
            print("(%d, %r, %s, 0.0),  // Q = %s underflows a Double" % (k, t, g(mp.log(q)), g(q)))
        else:
            print("(%d, %r, %s, %s)," % (k, t, g(mp.log(q)), g(q)))

section("chi2 CDF lower tail: (k, t, log P)  [mpmath gammainc, dps 60]")
for k, t in [(1, 1e-10), (2, 1e-6), (13, 0.01), (96, 10.0), (96, 1.0), (351, 100.0), (351, 200.0),
             (1000, 1e-3), (1000, 900.0), (10000, 9000.0)]:
    p = mp.gammainc(mp.mpf(k) / 2, 0, mp.mpf(t) / 2, regularized=True)
    print("(%d, %r, %s)," % (k, t, g(mp.log(p))))

# ---------------------------------------------------------------------------------------------
# chi^2 quantiles: t with P(chi2_k >= t) = p, solved by mpmath.findroot on log Q.
section("chi2 survival quantiles: (k, p, t)  [mpmath, bisection on log Q in log t, dps 60]")


def bisect(f, lo, hi, steps=260):
    """Root of f on [lo, hi] (f(lo), f(hi) of opposite signs) by plain bisection: 2^-260 relative."""
    flo = f(lo)
    for _ in range(steps):
        mid = (lo + hi) / 2
        fm = f(mid)
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return (lo + hi) / 2


def chi2_isf(k, logp):
    """t with log Q(k/2, t/2) = logp, by bisection in u = log t."""
    a = mp.mpf(k) / 2
    f = lambda u: mp.log(mp.gammainc(a, mp.exp(u) / 2, mp.inf, regularized=True)) - logp
    return mp.exp(bisect(f, mp.mpf(-60), mp.log(mp.mpf(k) + 5000)))


for k, p in [(1, "0.5"), (1, "0.05"), (1, "1e-300"), (2, "0.9"), (12, "0.5"), (13, "0.05"),
             (13, "2.87e-7"), (13, "1e-100"), (96, "0.5"), (96, "1e-300"), (351, "0.001"),
             (351, "0.999999")]:
    t = chi2_isf(k, mp.log(mp.mpf(p)))
    print("(%d, %s, %s)," % (k, p, g(t)))

section("chi2 lower quantiles: (k, p, t) with P(chi2_k <= t) = p  [mpmath, dps 60]")


def chi2_ppf(k, p):
    a = mp.mpf(k) / 2
    lp = mp.log(mp.mpf(p))
    f = lambda u: mp.log(mp.gammainc(a, 0, mp.exp(u) / 2, regularized=True)) - lp
    return mp.exp(bisect(f, mp.mpf(-200), mp.log(mp.mpf(k) + 5000)))


for k, p in [(1, "1e-10"), (2, "0.01"), (13, "1e-20"), (96, "0.05"), (351, "1e-6")]:
    print("(%d, %s, %s)," % (k, p, g(chi2_ppf(k, p))))

# ---------------------------------------------------------------------------------------------
# Significance: Z = Phi^-1(1 - p), Phibar(z) = erfc(z/sqrt 2)/2.
section("Z from p: (p, Z)  [mpmath, bisection on log(erfc(z/sqrt2)/2), dps 60]")


def logphibar(z):
    return mp.log(mp.erfc(z / mp.sqrt(2)) / 2)


def z_of_logp(lp):
    if lp > mp.log(mp.mpf("0.5")):
        return -z_of_logp(mp.log(-mp.expm1(lp)))
    return bisect(lambda z: logphibar(z) - lp, mp.mpf(-1), mp.sqrt(-2 * lp) + 1)


for p in ["0.5", "0.3", "1e-3", "2.87e-7", "1e-16", "1e-100", "1e-300", "0.9", "0.999"]:
    z = z_of_logp(mp.log(mp.mpf(p)))
    print("(%s, %s)," % (p, g(z) if abs(z) > 1e-50 else "0.0"))  # Z(0.5) = 0 up to the bisection's 2^-260
section("Z from log p below the Double range: (log p, Z)  [mpmath, dps 60]")
for lp in ["-1000", "-5000", "-1e5"]:
    print("(%s, %s)," % (lp, g(z_of_logp(mp.mpf(lp)))))

section("Z of t against chi2_k: (k, t, Z)  [mpmath, dps 60]")
for k, t in [(13, 30.0), (13, 5000.0), (1, 2.0), (96, 50.0)]:
    lq = mp.log(mp.gammainc(mp.mpf(k) / 2, mp.mpf(t) / 2, mp.inf, regularized=True))
    print("(%d, %r, %s)," % (k, t, g(z_of_logp(lq))))

section("p from Z: (Z, log p, p)  [mpmath erfc, dps 60]")
for z in ["-3", "-0.5", "0", "0.5", "1", "2", "3", "5", "7.9", "8", "8.1", "10", "15", "20", "30",
          "37", "38", "40", "100"]:
    lp = logphibar(mp.mpf(z))
    if lp < mp.log(mp.mpf("1e-307")):  # not a Double: the test checks log p only
        print("(%s, %s, 0.0),  // p = %s underflows a Double" % (z, g(lp), g(mp.exp(lp))))
    else:
        print("(%s, %s, %s)," % (z, g(lp), g(mp.exp(lp))))

# ---------------------------------------------------------------------------------------------
# Kolmogorov-Smirnov.
# (1) exact P(D_n >= d) for small n from an independent implementation of Durbin's matrix formula
#     in exact rational arithmetic (d rational), P(D_n < d) = n!/n^n (H^n)_kk, cross-checked with
#     scipy.stats.kstwo.sf; (2) one-sided Birnbaum-Tingey tail in mpmath, cross-checked with
#     scipy.stats.ksone.sf.


def durbin_matrix(n, d):
    """Durbin's m x m matrix H for P(D_n < d) = n!/n^n (H^n)_kk, in exact rationals: (H, k, m)."""
    d = Fraction(d)
    k = int(n * d) + 1
    m = 2 * k - 1
    h = k - n * d
    fact = [1]
    for i in range(1, m + 2):
        fact.append(fact[-1] * i)
    H = [[Fraction(0)] * m for _ in range(m)]
    for i in range(m):
        for j in range(m):
            if i - j + 1 >= 0:
                H[i][j] = Fraction(1)
    for i in range(m):
        H[i][0] -= h ** (i + 1)
        H[m - 1][i] -= h ** (m - i)
    if 2 * h - 1 > 0:
        H[m - 1][0] += (2 * h - 1) ** m
    for i in range(m):
        for j in range(m):
            if i - j + 1 > 0:
                H[i][j] /= fact[i - j + 1]
    return H, k, m


def durbin_exact(n, d):
    H, k, m = durbin_matrix(n, d)

    def mul(A, B):
        return [[sum(A[i][l] * B[l][j] for l in range(m)) for j in range(m)] for i in range(m)]

    P = None
    A = H
    e = n
    while e:
        if e & 1:
            P = A if P is None else mul(P, A)
        e >>= 1
        if e:
            A = mul(A, A)
    cdf = P[k - 1][k - 1] * Fraction(fact_n(n), n ** n)
    return 1 - cdf


def fact_n(n):
    r = 1
    for i in range(2, n + 1):
        r *= i
    return r


import scipy.stats as st

section("KS two-sided tail P(D_n >= d): (n, d, p)  [exact rationals (Durbin), = scipy kstwo.sf]")
for n, d in [(1, "0.3"), (5, "0.2"), (5, "0.45"), (10, "0.1"), (10, "0.25"), (10, "0.41"),
             (20, "0.15"), (20, "0.3"), (50, "0.1"), (50, "0.2"), (100, "0.05"), (100, "0.12")]:
    p = durbin_exact(n, Fraction(d))
    ps = st.kstwo.sf(float(d), n)
    print("(%d, %s, %s),  // scipy %r" % (n, d, g(mp.mpf(p.numerator) / p.denominator), float(ps)))

section("KS one-sided tail P(D+_n >= d): (n, d, log p)  [Birnbaum-Tingey in mpmath dps 60; = scipy ksone.sf]")


def smirnov(n, d):
    d = mp.mpf(d)
    s = mp.mpf(0)
    jmax = int(mp.floor(n * (1 - d)))
    for j in range(0, jmax + 1):
        s += mp.binomial(n, j) * (1 - d - mp.mpf(j) / n) ** (n - j) * (d + mp.mpf(j) / n) ** (j - 1)
    return d * s


for n, d in [(5, "0.6"), (10, "0.5"), (10, "0.7"), (100, "0.3"), (100, "0.5"), (1000, "0.1"),
             (1000, "0.2"), (1000, "0.6")]:
    q = smirnov(n, d)
    print("(%d, %s, %s),  // p = %s, scipy %r" % (n, d, g(mp.log(q)), g(q), float(st.ksone.sf(float(d), n))))

section("KS n = 1000 two-sided: (n, d, p)  [Durbin's matrix in 400-bit fixed-point integers; scipy kstwo.sf in the comment]")


def durbin_fixed(n, d, bits=400):
    """P(D_n >= d) by Durbin's matrix formula with the matrix power in Python integers scaled by
    2^bits (entries are non-negative, so truncation stays relative ~2^-400 per product); agrees
    with durbin_exact to all printed digits where both run (e.g. n = 100, d = 0.12)."""
    import numpy as np
    H, k, m = durbin_matrix(n, d)
    A = np.empty((m, m), dtype=object)
    for i in range(m):
        for j in range(m):
            A[i, j] = (H[i][j].numerator << bits) // H[i][j].denominator

    def mul(X, Y):
        Z = X.dot(Y)
        for i in range(m):
            for j in range(m):
                Z[i, j] >>= bits
        return Z

    P = None
    e = n
    while e:
        if e & 1:
            P = A if P is None else mul(P, A)
        e >>= 1
        if e:
            A = mul(A, A)
    cdf = mp.mpf(P[k - 1, k - 1]) / mp.mpf(2) ** bits * mp.mpf(fact_n(n)) / mp.mpf(n) ** n
    return 1 - cdf


assert abs(durbin_fixed(100, "0.12") - mp.mpf(durbin_exact(100, Fraction("0.12")).numerator)
           / durbin_exact(100, Fraction("0.12")).denominator) < mp.mpf("1e-30")
for n, d in [(1000, "0.0213"), (1000, "0.0317"), (1000, "0.0452"), (1000, "0.0601")]:
    print("(%d, %s, %s),  // scipy %r" % (n, d, g(durbin_fixed(n, d)), float(st.kstwo.sf(float(d), n))))

section("KS n = 5000 two-sided: (n, d, p)  [scipy kstwo.sf only: an approximation at this n, ~1e-8]")
for n, d in [(5000, 0.012), (5000, 0.02), (5000, 0.03)]:
    print("(%d, %r, %r)," % (n, d, float(st.kstwo.sf(d, n))))

section("Kolmogorov limit Q_KS(lambda) = 2 sum (-1)^(j-1) exp(-2 j^2 lambda^2): (lambda, Q)  [mpmath nsum; = scipy kstwobign.sf]")
for lam in ["0.3", "0.5", "0.8", "1.0", "1.36", "2.0", "3.0", "5.0"]:
    L = mp.mpf(lam)
    q = 2 * mp.nsum(lambda j: (-1) ** (j - 1) * mp.exp(-2 * j * j * L * L), [1, mp.inf])
    print("(%s, %s),  // scipy %r" % (lam, g(q), float(st.kstwobign.sf(float(lam)))))

# Fixed small samples against chi^2_k: statistic and exact p-value from scipy.stats.kstest.
section("KS samples vs chi2_k: (k, sample, D, p)  [scipy.stats.kstest method='exact']")
SAMPLES = [
    (13, [8.1, 10.4, 12.2, 13.9, 15.3, 17.0, 19.8, 22.5]),
    (13, [3.2, 4.0, 5.1, 5.5, 6.8, 7.7, 9.0, 9.9, 11.3, 12.0, 13.1, 14.4]),
    (1, [0.01, 0.02, 0.15, 0.4, 0.45, 0.9, 1.2, 2.5, 3.1, 4.0]),
    (96, [70.0, 80.5, 85.0, 90.0, 93.3, 97.0, 99.9, 104.0, 110.0, 118.0, 125.0, 140.0, 150.0]),
]
for k, xs in SAMPLES:
    r = st.kstest(xs, st.chi2(k).cdf, method="exact")
    print("(%d, %r, %r, %r)," % (k, xs, float(r.statistic), float(r.pvalue)))

# ---------------------------------------------------------------------------------------------
# Empirical p-value: the largest Z a null sample of N toys supports, Z(1/(1 + N)).
section("Empirical largest Z: (N_null, Z(1/(1+N_null)))  [mpmath, dps 60]")
for n in [10, 100, 1000, 10 ** 6]:
    print("(%d, %s)," % (n, g(z_of_logp(-mp.log(1 + n)))))

# ---------------------------------------------------------------------------------------------
# Sample summary: numpy's default ("linear") percentiles, mean and standard deviation (ddof = 1).
section("Sample summary: (sample, mean, s, [p5, p16, p50, p84, p95])  [numpy.percentile, numpy.std(ddof=1)]")
import numpy as np
for xs in [[13.2, 9.1, 20.5, 11.0, 15.7, 8.8, 12.4, 30.1, 14.9, 10.3, 17.6],
           [3.0, 1.0, 4.0, 1.5, 9.0, 2.6]]:
    a = np.array(xs)
    print("(%r, %r, %r, %r)," % (xs, float(a.mean()), float(a.std(ddof=1)),
                                  [float(v) for v in np.percentile(a, [5, 16, 50, 84, 95])]))

# ---------------------------------------------------------------------------------------------
# Median Z of a fixed list of t against chi2_dof, and its seed-000 error.
section("Median significance: (dof, t list, t_med, s, Z(t_med), eps)  [mpmath, dps 60]")


def z_chi2(k, t):
    q = mp.gammainc(mp.mpf(k) / 2, mp.mpf(t) / 2, mp.inf, regularized=True)
    return z_of_logp(mp.log(q))


for k, ts in [(13, [25.0, 31.0, 40.0, 44.0, 52.0, 60.0, 90.0]),
              (13, [20.0, 22.0, 30.0, 38.0, 41.0, 45.0, 47.0, 300.0]),
              (1, [400.0, 700.0, 1000.0, 1200.0, 1400.0])]:
    xs = sorted(mp.mpf(x) for x in ts)
    n = len(xs)
    med = xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2
    mean = sum(xs) / n
    s = mp.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
    z = z_chi2(k, med)
    eps = z - z_chi2(k, med - s / mp.sqrt(n))
    print("(%d, %r, %s, %s, %s, %s)," % (k, ts, g(med), g(s), g(z), g(eps)))

# ---------------------------------------------------------------------------------------------
# Ideal significance, Bressler et al., Symmetrized Approach, eq. 30 with b0 = e^-x on [0, inf) and the Signal1D densities:
# q0 = 2(-Ns + int (Nb b0 + Ns S) log(1 + Ns S/(Nb b0)) dx), Z_id = sqrt(q0); mpmath.quad
# (tanh-sinh) on subintervals split at the signal's peak, dps 30.
section("Ideal significance: (signal, Ns, Nb, q0, Z_id)  [mpmath.quad, dps 30]")
mp.mp.dps = 30


def gauss(x, m, s):
    return mp.exp(-((x - m) / s) ** 2 / 2) / (s * mp.sqrt(2 * mp.pi))


DENS = {
    "np1": (lambda x: gauss(x, mp.mpf("6.4"), mp.mpf("0.16")), [6.4]),
    "np2": (lambda x: x * x * mp.exp(-x) / 2, [2.0]),
    "np3": (lambda x: gauss(x, mp.mpf("1.6"), mp.mpf("0.16")), [1.6]),
}


def q0(name, ns, nb):
    S, peaks = DENS[name]
    ns, nb = mp.mpf(ns), mp.mpf(nb)
    f = lambda x: (nb * mp.exp(-x) + ns * S(x)) * mp.log(1 + ns * S(x) / (nb * mp.exp(-x)))
    pts = [0]
    for p in peaks:
        for dx in [-2, -1, -0.5, -0.16, 0, 0.16, 0.5, 1, 2]:
            if p + dx > 0:
                pts.append(mp.mpf(p) + dx)
    pts = sorted(set(pts)) + [20, 60, mp.inf]
    value, error = mp.quad(f, pts, error=True)
    return 2 * (-ns + value), 2 * error


for name, ns, nb in [("np1", 10, 2000), ("np2", 180, 2000), ("np3", 90, 2000),
                     ("np2", 90, 2000), ("np1", 5, 20000), ("np3", 500, 55000)]:
    q, err = q0(name, ns, nb)
    print('(.%s, %r, %r, %s, %s),  // mpmath.quad error estimate of q0: %s' % (name, float(ns), float(nb), g(q), g(mp.sqrt(q)), mp.nstr(err, 3)))
