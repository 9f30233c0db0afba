// common.cl — types, accumulation and the network shared by every nplm kernel.
//
// The host builds one program per (device variant, architecture, loss kind) from
//   a generated header (the architecture) + common.cl + loss_terms.h + loss.cl + adam.cl,
// and, only when f itself is asked for (OpenCLEngine.evaluate), one from the header + common.cl +
// forward.cl (KernelSources.swift).
//
// Build options (-D, chosen per device by OpenCLVariant):
//   VW        events per work-item per step: 1 = one event per work-item (GPUs, coalesced);
//             8 or 16 = explicit floatVW over consecutive events (PoCL on a CPU, which does not
//             vectorise a scalar kernel with inner loops across work-items).
//   WG        work-items per work-group (a power of two); the loss kernel requires exactly WG.
//   USE_FP64  1 where cl_khr_fp64 exists: partial sums, their combination and Adam in double.
//             0: partial sums in compensated float pairs (Knuth two-sum); Adam runs on the host.
//   LOGISTIC  1 for LossKind.logistic, 0 for LossKind.expLinear.
//   NBASIS    M, the offset-basis columns of the batch (nuisance parameters; loss.cl), 0 without.
//   POLY_EXP  1: e^x by the C engine's polynomial (expv below; the CPU layout, where it is faster
//             than PoCL's exp), 0: the device's exp (GPUs).
//   UNROLL_LAYERS  1: every loop of the network unrolled; default: 1 for GPUs and small networks
//             (see FWD below).
// Generated header (Architecture.openCLHeader in Sources/NPLMEngines/OpenCL/OpenCLVariant.swift), for
// layers [n_0, …, n_L]:
//   NLAYER, NPARAM (P), NUNITS (Σ n_l), NINPUT (n_0),
//   FORWARD_LAYERS   FWD(n_in, n_out, param offset, unit offset, last) for l = 0 … L−1
//   BACKWARD_LAYERS  BWD(n_in, n_out, param offset, unit offset, first) for l = L−1 … 0
// with the flat parameter layout of Architecture: layer l's W[j·n_in + i] then its biases.
// Units: act[u] holds the activation of unit u, layers one after the other (inputs first).

#ifndef VW
#define VW 1
#endif
#ifndef WG
#define WG 1
#endif
#ifndef USE_FP64
#define USE_FP64 0
#endif
#ifndef LOGISTIC
#define LOGISTIC 0
#endif
#ifndef NBASIS
#define NBASIS 0
#endif
#ifndef POLY_EXP
#define POLY_EXP 0
#endif
/// Sums per fit: the loss, the P gradient components, the M basis gradients.
#define NVALUES (NPARAM + 1 + NBASIS)

#define NPLM_CAT_(a, b) a##b
#define NPLM_CAT(a, b) NPLM_CAT_(a, b)

#if VW == 1
typedef float floatv;
typedef int intv;
#define AS_FLOATV as_float
#define AS_INTV as_int
#define VLOAD(p, i) ((p)[(i)])
#define VSTORE(v, p, i) ((p)[(i)] = (v))
#else
typedef NPLM_CAT(float, VW) floatv;
typedef NPLM_CAT(int, VW) intv;
#define AS_FLOATV NPLM_CAT(as_float, VW)
#define AS_INTV NPLM_CAT(as_int, VW)
#define VLOAD(p, i) NPLM_CAT(vload, VW)(0, (p) + (i))
#define VSTORE(v, p, i) NPLM_CAT(vstore, VW)((v), 0, (p) + (i))
#endif

// ---------------------------------------------------------------------------------------------
// Accumulators: acc_t sums float values without the float32 error growth of long sums.
#if USE_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double acc_t;
#define ACC_ZERO 0.0
inline acc_t acc_add(acc_t s, float v) { return s + (double)v; }
inline acc_t acc_merge(acc_t s, acc_t u) { return s + u; }
#else
// (sum, compensation); the host reads sum + compensation in Double.
typedef float2 acc_t;
#define ACC_ZERO ((float2)(0.0f, 0.0f))
inline acc_t acc_add(acc_t s, float v) {
    const float t = s.x + v;
    const float bp = t - s.x;
    const float err = (s.x - (t - bp)) + (v - bp);
    return (float2)(t, s.y + err);
}
inline acc_t acc_merge(acc_t s, acc_t u) {
    acc_t r = acc_add(s, u.x);
    r.y += u.y;
    return r;
}
#endif

/// The lanes of v added in lane order into an accumulator.
inline acc_t lanes_sum(floatv v) {
#if VW == 1
    return acc_add(ACC_ZERO, v);
#else
    float lanes[VW];
    VSTORE(v, lanes, 0);
    acc_t s = ACC_ZERO;
    for (int k = 0; k < VW; ++k) s = acc_add(s, lanes[k]);
    return s;
#endif
}

// ---------------------------------------------------------------------------------------------
// The network: sigmoid hidden units, linear output, on VW events at once.

#if POLY_EXP
/// e^x as the C engine computes it (Sources/CFastLoss/vector_math.h; Cephes expf):
/// n = round(x·log2 e), r = x − n·ln 2 in two parts, e^r by a polynomial, times 2^n built in the
/// exponent bits; x clamped to [−88, 89] first (a NaN passes through), about 1 ulp.
inline floatv expv(floatv x) {
    x = select(x, (floatv)(-88.0f), x < (floatv)(-88.0f));
    x = select(x, (floatv)(89.0f), x > (floatv)(89.0f));
    const floatv shifter = (floatv)(12582912.0f);  // 1.5·2^23: adding it rounds to an integer
    const floatv t = fma(x, (floatv)(1.44269504088896341f), shifter);
    const floatv n = t - shifter;
    floatv r = fma(n, (floatv)(-0.693359375f), x);
    r = fma(n, (floatv)(2.12194440e-4f), r);
    floatv p = (floatv)(1.9875691500e-4f);
    p = fma(p, r, (floatv)(1.3981999507e-3f));
    p = fma(p, r, (floatv)(8.3334519073e-3f));
    p = fma(p, r, (floatv)(4.1665795894e-2f));
    p = fma(p, r, (floatv)(1.6666665459e-1f));
    p = fma(p, r, (floatv)(5.0000001201e-1f));
    p = fma(p, r * r, r) + 1.0f;
    const intv scale = ((AS_INTV(t) - 0x4B400000) + 127) << 23;
    return p * AS_FLOATV(scale);
}
#else
inline floatv expv(floatv x) { return exp(x); }
#endif

// σ(z) = 1 / (1 + e^−z): Logistic.sigmoid (Sources/NPLMCore/Model/Logistic.swift) in float32.
inline floatv sigmoidv(floatv z) { return 1.0f / (1.0f + expv(-z)); }

// Loops over a layer's output units (and, backwards, its input units): fully unrolled where
// VW = 1 (GPUs) or the network is small (P ≤ 32, e.g. the 1-D [1,4,1]); kept as loops on the CPU
// layout for larger networks, whose fully unrolled bodies spill most registers. Measured on PoCL,
// [5,5,5,5,1], T = 16, loss-kernel CPU time per event against the C engine's in the same process
// (perf cpu-clock samples, runs alternated): 0.85–0.93 of its speed unrolled, 0.91–1.03 as loops;
// [1,4,1] unrolled 0.92–0.98, as loops 0.77–0.93. The same operations in the same order either way.
#ifndef UNROLL_LAYERS
#define UNROLL_LAYERS (VW == 1 || NPARAM <= 32)
#endif
#if UNROLL_LAYERS
#define UNROLL_LAYER _Pragma("unroll")
#else
#define UNROLL_LAYER _Pragma("unroll 1")
#endif

/// Layer of n_in → n_out units on the NV event vectors of a step (NV is defined by the kernel's
/// file): act[e][UO + NIN + j] = σ(Σ_i W[j][i]·act[e][UO + i] + c_j) (no σ on the last layer). The
/// NV vectors' chains are independent, which lets the out-of-order core overlap their latencies.
/// Reads the private parameters w.
#define FWD(NIN, NOUT, PO, UO, LAST)                                                   \
    UNROLL_LAYER for (int j = 0; j < (NOUT); ++j) {                                    \
        floatv z[NV];                                                                  \
        _Pragma("unroll") for (int e = 0; e < NV; ++e) z[e] = (floatv)(w[(PO) + (NOUT) * (NIN) + j]); \
        _Pragma("unroll") for (int i = 0; i < (NIN); ++i)                              \
            _Pragma("unroll") for (int e = 0; e < NV; ++e) z[e] += w[(PO) + j * (NIN) + i] * act[e][(UO) + i]; \
        _Pragma("unroll") for (int e = 0; e < NV; ++e)                                 \
            act[e][(UO) + (NIN) + j] = (LAST) ? z[e] : sigmoidv(z[e]);                 \
    }

/// Back-propagation through one layer for the NV vectors of a step: with delta[e][u] = ∂ℓ/∂z_u of
/// its output units, ∂ℓ/∂c_j += δ_j, ∂ℓ/∂W[j][i] += δ_j·act_i (each accumulator adds vector 0's
/// term, then vector 1's, …: every lane sees its events in order), and below:
/// δ_i = (Σ_j W[j][i]·δ_j)·σ(1 − σ).
#define BWD(NIN, NOUT, PO, UO, FIRST)                                                  \
    UNROLL_LAYER for (int j = 0; j < (NOUT); ++j) {                                    \
        _Pragma("unroll") for (int e = 0; e < NV; ++e) g[(PO) + (NOUT) * (NIN) + j] += delta[e][(UO) + (NIN) + j]; \
        _Pragma("unroll") for (int i = 0; i < (NIN); ++i)                              \
            _Pragma("unroll") for (int e = 0; e < NV; ++e)                             \
                g[(PO) + j * (NIN) + i] += delta[e][(UO) + (NIN) + j] * act[e][(UO) + i]; \
    }                                                                                  \
    if (!(FIRST)) {                                                                    \
        UNROLL_LAYER for (int i = 0; i < (NIN); ++i) {                                 \
            floatv s[NV];                                                              \
            _Pragma("unroll") for (int e = 0; e < NV; ++e) s[e] = (floatv)(0.0f);      \
            _Pragma("unroll") for (int j = 0; j < (NOUT); ++j)                         \
                _Pragma("unroll") for (int e = 0; e < NV; ++e)                         \
                    s[e] += w[(PO) + j * (NIN) + i] * delta[e][(UO) + (NIN) + j];      \
            _Pragma("unroll") for (int e = 0; e < NV; ++e) {                           \
                const floatv ai = act[e][(UO) + i];                                    \
                delta[e][(UO) + i] = s[e] * ai * (1.0f - ai);                          \
            }                                                                          \
        }                                                                              \
    }
