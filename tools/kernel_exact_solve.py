#!/usr/bin/env python3
"""An exact float64 solve of the kernel model's objective, independent of nplm's solver.

The kernel NPLM of Letizia et al., "Learning new physics efficiently with nonparametric methods"
(Eur. Phys. J. C 82 (2022) 879), fits f(x) = sum_m c_m k(x, x~_m), k = exp(-|x - x'|^2 / 2 sigma^2),
by minimising, over the n pooled events (reference label 0 with weight w_i, data label 1),

    J(c) = (1/n) sum_i l_i(f_i) + (lambda/2) c^T (K_MM + eps*M*I) c,     f = K_nM c,
    l_i(f) = log(1 + e^-f) for a data event,  w_i log(1 + e^f) for a reference event,

which is what the authors' code (LogisticFalkon of the Falkon library with its
WeightedCrossEntropyLoss) minimises: its gradient is (1/n) K_nM^T l'(f) + lambda*beta in the
variable beta = T c, T^T T = K_MM + eps*M*I, eps = 1e-13 for float64 data. Then

    t = 2 [ sum_D f - sum_R w (e^f - 1) ].

Here every kernel value is computed in float64 from the (float32) event features, the problem is
solved in beta (the same objective; f = Phi beta, Phi = K_nM T^-1, penalty (lambda/2)|beta|^2),
and each Newton system H s = -g, H = Phi^T diag(l''/n) Phi + lambda I, is solved as the least-squares
problem min |[diag(sqrt(l''/n)) Phi; sqrt(lambda) I] s + [l'/(n sqrt(l''/n)); sqrt(lambda) beta]|
by a QR factorisation (no normal equations: the condition number enters once, not squared).

Two answers: the Newton iterates from c = 0 taken in full (the authors' "one Newton step" is the
first), and the minimiser (damped Newton with backtracking until the Newton decrement vanishes).
For given coefficients (key "coefficients") it also evaluates J, t and the gradient there.

Input: a JSON file (or - for stdin) with one problem, or a list of them (then the output is the list
of their results), each with
    dimension      d
    events         the n pooled events, row-major (n*d numbers)
    is_data        n booleans (or 0/1)
    weights        n loss weights (1 for data, w for reference)
    centres        M indices of the Nystrom centres among the events
    width          sigma
    lambda         lambda
    jitter         eps of eps*M*I (default 1e-13, Falkon's float64 value)
    newton_steps   full Newton steps to report (default 1)
    coefficients   optional: c to evaluate
Output (stdout): JSON with "steps" (t, objective, gradient norm after each full step), "minimiser"
(t, objective, gradient norm, Newton steps, decrement), and "at_coefficients" when asked.
Gradient norms are in beta (|T^-T dJ/dc|), the variable in which the problem is well scaled.

Run:  python3 tools/kernel_exact_solve.py problem.json      (numpy 2.4, scipy 1.17)
The Swift test Tests/NPLMTests/KernelObjectiveTests.swift writes such files and runs this script.
"""
import json
import sys

import numpy as np
from scipy.linalg import cholesky, qr, solve_triangular
from scipy.special import expit, log1p


def softplus(x):
    return np.maximum(x, 0) + log1p(np.exp(-np.abs(x)))


class Problem:
    def __init__(self, spec):
        d = int(spec["dimension"])
        x = np.asarray(spec["events"], dtype=np.float64).reshape(-1, d)
        self.n = x.shape[0]
        self.is_data = np.asarray(spec["is_data"], dtype=bool)
        self.weights = np.asarray(spec["weights"], dtype=np.float64)
        self.centres = np.asarray(spec["centres"], dtype=np.int64)
        self.sigma = float(spec["width"])
        self.lam = float(spec["lambda"])
        self.eps = float(spec.get("jitter", 1e-13))
        m = len(self.centres)
        xc = x[self.centres]
        gamma = 1.0 / (2.0 * self.sigma * self.sigma)
        self.knm = np.exp(-gamma * self.squared_distances(x, xc))
        kmm = np.exp(-gamma * self.squared_distances(xc, xc))
        self.kmm = kmm + self.eps * m * np.eye(m)
        self.t_factor = cholesky(self.kmm, lower=False)          # T^T T = K_MM + eps M I
        # Phi = K_nM T^-1, i.e. Phi^T = T^-T K_nM^T
        self.phi = solve_triangular(self.t_factor, self.knm.T, trans="T", lower=False).T

    @staticmethod
    def squared_distances(a, b):
        # exact differences (no |a|^2 + |b|^2 - 2ab cancellation)
        diff = a[:, None, :] - b[None, :, :]
        return np.einsum("ijk,ijk->ij", diff, diff)

    def loss_terms(self, f):
        return np.where(self.is_data, softplus(-f), self.weights * softplus(f))

    def slope(self, f):
        s = expit(f)
        return np.where(self.is_data, s - 1.0, self.weights * s)

    def curvature(self, f):
        s = expit(f)
        return np.where(self.is_data, 1.0, self.weights) * s * (1.0 - s)

    def objective(self, beta):
        f = self.phi @ beta
        return np.sum(self.loss_terms(f)) / self.n + 0.5 * self.lam * beta @ beta

    def gradient(self, beta):
        f = self.phi @ beta
        return self.phi.T @ (self.slope(f) / self.n) + self.lam * beta

    def statistic(self, f):
        data = np.sum(f[self.is_data])
        reference = np.sum(self.weights[~self.is_data] * np.expm1(f[~self.is_data]))
        return 2.0 * (data - reference)

    def newton_direction(self, beta):
        """s solving (Phi^T D Phi + lambda I) s = -g, D = l''/n, by QR of the stacked least squares."""
        f = self.phi @ beta
        d = self.curvature(f) / self.n
        root = np.sqrt(np.maximum(d, np.finfo(float).tiny))
        m = len(beta)
        a = np.vstack([root[:, None] * self.phi, np.sqrt(self.lam) * np.eye(m)])
        b = np.concatenate([(self.slope(f) / self.n) / root, np.sqrt(self.lam) * beta])
        q, r = qr(a, mode="economic")
        s = solve_triangular(r, -(q.T @ b))
        g = self.phi.T @ (self.slope(f) / self.n) + self.lam * beta
        return s, float(-(g @ s))   # the step and the squared Newton decrement g^T H^-1 g

    def summary(self, beta):
        f = self.phi @ beta
        return {"t": float(self.statistic(f)), "objective": float(self.objective(beta)),
                "gradient_norm": float(np.linalg.norm(self.gradient(beta)))}


def solve(spec):
    problem = Problem(spec)
    m = len(problem.centres)
    out = {"n": problem.n, "centres": m, "width": problem.sigma, "lambda": problem.lam, "jitter": problem.eps,
           "initial_gradient_norm": float(np.linalg.norm(problem.gradient(np.zeros(m))))}

    steps = []
    beta = np.zeros(m)
    for _ in range(int(spec.get("newton_steps", 1))):
        s, _ = problem.newton_direction(beta)
        beta = beta + s
        steps.append(problem.summary(beta))
    out["steps"] = steps

    # the minimiser: damped Newton (backtracking on J) until the decrement is at rounding level
    beta = np.zeros(m)
    decrement = np.inf
    iterations = 0
    for iterations in range(1, 201):
        s, decrement = problem.newton_direction(beta)
        if decrement / 2 <= 1e-15 * max(1.0, abs(problem.objective(beta))):
            break
        j0, step = problem.objective(beta), 1.0
        while problem.objective(beta + step * s) > j0 - 0.25 * step * decrement and step > 1e-12:
            step *= 0.5
        beta = beta + step * s
    minimiser = problem.summary(beta)
    minimiser.update({"newton_steps": iterations, "decrement": float(decrement)})
    out["minimiser"] = minimiser

    if "coefficients" in spec:
        c = np.asarray(spec["coefficients"], dtype=np.float64)
        beta_c = problem.t_factor @ c
        at = problem.summary(beta_c)
        at["objective_minus_minimum"] = at["objective"] - minimiser["objective"]
        out["at_coefficients"] = at
    return out


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with (sys.stdin if argv[1] == "-" else open(argv[1])) as handle:
        spec = json.load(handle)
    result = [solve(one) for one in spec] if isinstance(spec, list) else solve(spec)
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
