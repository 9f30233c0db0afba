/*
 * loss_terms.h — the per-event loss ℓ of LossKind and its slope ∂ℓ/∂f, written once for both
 * float32 engines: the C engine (Sources/CFastLoss/chunk_kernel.h includes this file) and the
 * OpenCL kernels (KernelSources puts it in every program, between common.cl and loss.cl). The
 * Double reference, LossKind.term (Sources/NPLMCore/Loss/LossKind.swift), states the same formulas in
 * the same algebraic form.
 *
 * With z = f + o, s(z) = log(1 + e^z) (softplus) and σ(z) = 1 / (1 + e^−z) (Logistic.softplus and
 * Logistic.sigmoid in Sources/NPLMCore/Model/Logistic.swift):
 *
 *   expLinear:  ℓ = (a·e^z − a) − b·z              ∂ℓ/∂f = a·e^z − b
 *   logistic:   ℓ = (a + b)·(s(z) − s(o)) − b·f    ∂ℓ/∂f = (a + b)·σ(z) − b
 *
 * The logistic form is the cross-entropy test's a·(s(z) − s(o)) + b·(s(−z) − s(−o)) (Chakraborty
 * et al., "Learning New Physics from Data – a Symmetrized Approach", eq. 34) rewritten with
 * s(−z) = s(z) − z: one softplus per event instead of two, and where f = 0 (so z = o), computing
 * s(o) the way s(z) is computed gives ℓ = 0 exactly. a = b = 0 (padding) gives 0 for finite f.
 * Against the Double reference the OpenCL loss is as close as with the earlier two-softplus form
 * with a log1p/expm1 branch for small f (OpenCLEngineTests, worst case: 6.8e-6 relative, was 7.4e-6).
 *
 * Each engine supplies its own arithmetic: its vector type, e^z, s and σ (float32 in both engines,
 * with their own exp), and `fma_`: x·y + z rounded once where the engine fuses (the C engine's FMA,
 * OpenCL's mad), so that every engine rounds the same operations.
 *   a_exp_z     a·e^z, taken as 0 where a = 0 by engines that guard against 0·∞
 *   softplus_z  s(z),   softplus_o  s(o),   sigma_z  σ(z)
 */
#ifndef NPLM_LOSS_TERMS_H
#define NPLM_LOSS_TERMS_H

#define NPLM_EXP_LINEAR_VALUE(fma_, a, b, z, a_exp_z) fma_(-(b), (z), (a_exp_z) - (a))
#define NPLM_EXP_LINEAR_SLOPE(b, a_exp_z) ((a_exp_z) - (b))

#define NPLM_LOGISTIC_VALUE(fma_, a, b, f, softplus_z, softplus_o) \
    fma_(-(b), (f), ((a) + (b)) * ((softplus_z) - (softplus_o)))
#define NPLM_LOGISTIC_SLOPE(fma_, a, b, sigma_z) fma_((a) + (b), (sigma_z), -(b))

#endif
