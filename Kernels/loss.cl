// loss.cl — the fused loss + gradient of T networks, reduced in a fixed order.
//
// Events sit in segments (the shared events; each fit's own events), each padded with a = b = 0
// events to a multiple of VW. Features are feature-major inside a segment: feature k of event i at
// x[seg + k·stride + i]. Terms a, b, o of a segment at a[terms + i] (o only where has_offset).
// Two blocks of buffers: x, a, b, o hold every fit's own events and terms; shared_x, shared_a,
// shared_b, shared_o the shared events and terms, which stay on the device from batch to batch
// (OpenCLSession.swift). A chunk reads from one block.
//
// A chunk is a run of at most the variant's chunk size of one segment for one fit; a fit's chunks
// depend only on its own event counts, never on how many fits share the batch, so a fit's result
// is bitwise the same in any batch. Chunk descriptor, 8 ints:
//   fit, segment, stride, start, count (a multiple of VW), terms, has_offset, shared block (0/1).
//
// Offset basis (nuisance parameters; d'Agnolo et al., "Learning new physics from an imperfect
// machine", eq. 14 and 31), compiled in when NBASIS = M > 0: the offset of event i is
//   o_i + Σ_{m=1..M} c_{fit,m}·basis_m(i)
// with the fit's coefficients at coefficients[fit·M + m − 1], and the pass also sums
// ∂L/∂c_m = Σ_i (∂ℓ_i/∂f)·basis_m(i). Basis column m of the terms segment at `terms` (length =
// its events' stride) sits at basis[M·terms + m·stride + i] of the block's basis buffer. (c_0,
// the common shift, is added by the host to the output bias: the exp-linear ℓ depends on f + o
// only, and ∂L/∂c_0 is the output bias's gradient.)
//
// Stage 1 (loss_gradient, one work-group of WG per chunk): every work-item walks the chunk VW
// events at a time (work-item l at start + (l + s·WG)·VW, s = 0, 1, …), sums its events' loss and
// gradient per lane in float, adds its lanes in order into acc_t, and the work-group adds its
// work-items in a fixed tree into partial[chunk·V + (0: loss, 1 + k: ∂/∂θ_k, 1 + P + m: ∂/∂c_m)],
// V = NVALUES = P + 1 + M.
// Stage 2 (combine, one work-item per (fit, value)): adds the fit's chunks in chunk order into
// out[fit·V + value].

// Event vectors per step (NV, the arrays of FWD and BWD in common.cl): two independent dependency
// chains through the network let the out-of-order core of a CPU overlap the latencies of e^x and
// the divisions (PoCL, [5,5,5,5,1], T = 16: the kernel ≈ 20 % faster than with one), at the same
// sums in the same order.
#ifndef NV
#define NV 2
#endif

// The per-event loss of LossKind: the formulas of loss_terms.h (the previous file of the program,
// shared with the C engine) on floatv; z = f + o. s(z) and σ(z) come from one u = e^−|z|, as in the
// C engine (float32 forms of Logistic.softplus and Logistic.sigmoidSplitAtZero). An event with
// a = b = 0 (padding) adds exactly zero; a·e^z is taken as 0 where a = 0, so that a data event
// never turns 0·∞ into NaN.
inline floatv loss_term(floatv f, floatv a, floatv b, floatv o, floatv *slope) {
    const floatv z = f + o;
#if LOGISTIC
    const floatv zero = (floatv)(0.0f);
    const floatv u = expv(-fabs(z));
    const floatv high = 1.0f / (1.0f + u);                    // σ(|z|)
    const floatv sigma = select(u * high, high, z >= zero);   // σ(z)
    const floatv softplus_z = fmax(z, zero) + log1p(u);
    const floatv softplus_o = fmax(o, zero) + log1p(expv(-fabs(o)));
    *slope = NPLM_LOGISTIC_SLOPE(mad, a, b, sigma);
    return NPLM_LOGISTIC_VALUE(mad, a, b, f, softplus_z, softplus_o);
#else
    const floatv e = select(a * expv(z), (floatv)(0.0f), a == (floatv)(0.0f));
    *slope = NPLM_EXP_LINEAR_SLOPE(b, e);
    return NPLM_EXP_LINEAR_VALUE(mad, a, b, z, e);
#endif
}

__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void loss_gradient(__global const float *restrict x,
                   __global const float *restrict a,
                   __global const float *restrict b,
                   __global const float *restrict o,
                   __global const int *restrict chunks,
                   __global const float *restrict parameters,
                   __global acc_t *restrict partial,
                   __global const float *restrict shared_x,
                   __global const float *restrict shared_a,
                   __global const float *restrict shared_b,
                   __global const float *restrict shared_o,
                   __global const float *restrict basis,
                   __global const float *restrict shared_basis,
                   __global const float *restrict coefficients) {
    const int chunk = get_group_id(0);
    const int lid = get_local_id(0);
    __global const int *descriptor = chunks + 8 * chunk;
    const int fit = descriptor[0], segment = descriptor[1], stride = descriptor[2];
    const int start = descriptor[3], count = descriptor[4], terms = descriptor[5];
    const int has_offset = descriptor[6];
    const int shared = descriptor[7];
    __global const float *px = shared ? shared_x : x;
    __global const float *pa = shared ? shared_a : a;
    __global const float *pb = shared ? shared_b : b;
    __global const float *po = shared ? shared_o : o;
#if NBASIS > 0
    __global const float *pbasis = (shared ? shared_basis : basis) + NBASIS * terms;
    float c[NBASIS];
    _Pragma("unroll") for (int m = 0; m < NBASIS; ++m) c[m] = coefficients[fit * NBASIS + m];
    floatv gb[NBASIS];
    _Pragma("unroll") for (int m = 0; m < NBASIS; ++m) gb[m] = (floatv)(0.0f);
#endif

    float w[NPARAM];
    _Pragma("unroll") for (int k = 0; k < NPARAM; ++k) w[k] = parameters[fit * NPARAM + k];

    floatv g[NPARAM];
    _Pragma("unroll") for (int k = 0; k < NPARAM; ++k) g[k] = (floatv)(0.0f);
    floatv loss = (floatv)(0.0f);
    floatv act[NV][NUNITS], delta[NV][NUNITS];
#if NBASIS > 0
    floatv column[NV][NBASIS];
#endif

    // NV event vectors per step: vector e at i + e·WG·VW, so that a work-item still takes its
    // events in the order start + (lid + n·WG)·VW, n = 0, 1, … Past the chunk's end a vector is
    // padding (x = a = b = 0), whose terms are exact zeros.
    for (int i = start + lid * VW; i < start + count; i += NV * WG * VW) {
        floatv av[NV], bv[NV], ov[NV];
        _Pragma("unroll") for (int e = 0; e < NV; ++e) {
            const int ie = i + e * WG * VW;
            const bool live = e == 0 || ie < start + count;
            _Pragma("unroll") for (int k = 0; k < NINPUT; ++k)
                act[e][k] = live ? VLOAD(px + segment + k * stride, ie) : (floatv)(0.0f);
            av[e] = live ? VLOAD(pa + terms, ie) : (floatv)(0.0f);
            bv[e] = live ? VLOAD(pb + terms, ie) : (floatv)(0.0f);
            ov[e] = live && has_offset ? VLOAD(po + terms, ie) : (floatv)(0.0f);
#if NBASIS > 0
            floatv shift = (floatv)(0.0f);
            _Pragma("unroll") for (int m = 0; m < NBASIS; ++m) {
                column[e][m] = live ? VLOAD(pbasis + m * stride, ie) : (floatv)(0.0f);
                shift = mad((floatv)(c[m]), column[e][m], shift);
            }
            ov[e] += shift;
#endif
        }
        FORWARD_LAYERS
        _Pragma("unroll") for (int e = 0; e < NV; ++e) {
            floatv slope;
            loss += loss_term(act[e][NUNITS - 1], av[e], bv[e], ov[e], &slope);
            delta[e][NUNITS - 1] = slope;
#if NBASIS > 0
            _Pragma("unroll") for (int m = 0; m < NBASIS; ++m) gb[m] = mad(slope, column[e][m], gb[m]);
#endif
        }
        BACKWARD_LAYERS
    }

    __global acc_t *out = partial + (long)chunk * NVALUES;
#if WG == 1
    out[0] = lanes_sum(loss);
    _Pragma("unroll") for (int k = 0; k < NPARAM; ++k) out[1 + k] = lanes_sum(g[k]);
#if NBASIS > 0
    _Pragma("unroll") for (int m = 0; m < NBASIS; ++m) out[1 + NPARAM + m] = lanes_sum(gb[m]);
#endif
#else
    __local acc_t scratch[WG];
    for (int k = 0; k < NVALUES; ++k) {
#if NBASIS > 0
        scratch[lid] = lanes_sum(k == 0 ? loss : k <= NPARAM ? g[k - 1] : gb[k - 1 - NPARAM]);
#else
        scratch[lid] = lanes_sum(k == 0 ? loss : g[k - 1]);
#endif
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int width = WG / 2; width > 0; width >>= 1) {
            if (lid < width) scratch[lid] = acc_merge(scratch[lid], scratch[lid + width]);
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (lid == 0) out[k] = scratch[0];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
#endif
}

__kernel void combine(__global const acc_t *restrict partial,
                      __global const int *restrict fit_chunks,
                      __global acc_t *restrict out,
                      const int fits) {
    const int id = get_global_id(0);
    if (id >= fits * NVALUES) return;
    const int fit = id / NVALUES, value = id % NVALUES;
    acc_t sum = ACC_ZERO;
    for (int c = fit_chunks[fit]; c < fit_chunks[fit + 1]; ++c)
        sum = acc_merge(sum, partial[(long)c * NVALUES + value]);
    out[id] = sum;
}
