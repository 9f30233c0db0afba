/*
 * The chunk kernel, written once for a vector of VW floats and included by kernel.c once per
 * instruction set (instruction_sets.h). Before including, kernel.c defines
 *   VW       floats per vector operation (a divisor of NPLM_LANES; 32 in every variant now)
 *   V, VI    the float and int32 vector types of that width
 * and instruction_sets.h (this file undefines these three at its end)
 *   NAME(x)  x with the variant's suffix
 *   TARGET   the variant's target attribute
 *   HAS_FMA  1 where fused multiply-add is an instruction
 *
 * Whatever VW, a chunk is summed in NPLM_LANES = 32 lanes: lane k holds the events block + k of
 * every block of 32, in block order. A variant with VW < 32 would run 32/VW passes over the chunk,
 * pass q taking lanes q·VW ..< (q+1)·VW of every block, so every lane sees the same operations in
 * the same order in every variant. With explicit fused multiply-adds (FMA below) and no other contraction,
 * the AVX2 and AVX-512 variants give bitwise identical results; the SSE2 variant, for CPUs
 * without FMA, rounds the products separately and differs in the last bits.
 */

#include "vector_math.h"

/* σ(z) = 1 / (1 + e^−z): Logistic.sigmoid (Sources/NPLMCore/Model/Logistic.swift) in float32. */
INLINE TARGET V NAME(sigmoid)(V z) { return 1.0f / (1.0f + NAME(exp)(-z)); }

/* σ'(z) = h·(1 − h) for h = σ(z), as h − h·h. */
INLINE TARGET V NAME(sigmoid_slope)(V h) { return FMA(-h, h, h); }

/*
 * log(1 + u) for u ∈ [0, 1]: 2·atanh(w) with w = u / (2 + u) ∈ [0, 1/3], the series
 * 2w·Σ_{k≤6} w^{2k}/(2k+1); the first term left out is below 2e-8 relative.
 */
INLINE TARGET V NAME(log1p_unit)(V u) {
    const V w = u / (2.0f + u);
    const V w2 = w * w;
    V s = SPLAT(1.0f / 13.0f);
    s = FMA(s, w2, SPLAT(1.0f / 11.0f));
    s = FMA(s, w2, SPLAT(1.0f / 9.0f));
    s = FMA(s, w2, SPLAT(1.0f / 7.0f));
    s = FMA(s, w2, SPLAT(1.0f / 5.0f));
    s = FMA(s, w2, SPLAT(1.0f / 3.0f));
    s = FMA(s, w2, SPLAT(1.0f));
    return (w + w) * s;
}

/* log(1 + e^z) = max(z, 0) + log(1 + e^−|z|): Logistic.softplus in float32. */
INLINE TARGET V NAME(softplus)(V z) {
    return NAME(select)(z > 0.0f, z, SPLAT(0)) + NAME(log1p_unit)(NAME(exp)(-NAME(abs)(z)));
}

/*
 * The loss term l of the events start ..< start + VW (in the block that begins at `block`) whose
 * network output is f, and its slope ∂l/∂f; both 0 for lanes past the chunk's end and for events
 * with a = b = 0. `lane` holds the lanes' indices within the block. The formulas are those of
 * Kernels/loss_terms.h (included by kernel.c), on this file's exp, softplus and FMA.
 */
INLINE TARGET void NAME(event_loss)(const nplm_chunk *c, int32_t block, int32_t start, VI lane, V f, V shift,
                                    nplm_loss_kind loss, V *valueOut, V *slopeOut) {
    const V a = c->a ? NAME(load)(c->a + start) : SPLAT(c->a0);
    const V b = c->b ? NAME(load)(c->b + start) : SPLAT(c->b0);
    const V o = (c->o ? NAME(load)(c->o + start) : SPLAT(c->o0)) + shift;
    VI live = (a != 0.0f) | (b != 0.0f);
    if (c->count - block < NPLM_LANES) live &= lane < (c->count - block);
    const V z = f + o;
    V value, slope;
    if (loss == NPLM_LOSS_EXP_LINEAR) {
        const V e = a * NAME(exp)(z);
        value = NPLM_EXP_LINEAR_VALUE(FMA, a, b, z, e);
        slope = NPLM_EXP_LINEAR_SLOPE(b, e);
    } else {
        /* s(z) and σ(z) from one u = e^−|z|; s(o) comes with the chunk (computed by the host) */
        const V so = c->so ? NAME(load)(c->so + start) : SPLAT(c->so0);
        const V u = NAME(exp)(-NAME(abs)(z));
        const V high = 1.0f / (1.0f + u); /* σ(|z|) */
        const V sigma = NAME(select)(z >= 0.0f, high, u * high);
        const V softplus = NAME(select)(z > 0.0f, z, SPLAT(0)) + NAME(log1p_unit)(u);
        value = NPLM_LOGISTIC_VALUE(FMA, a, b, f, softplus, so);
        slope = NPLM_LOGISTIC_SLOPE(FMA, a, b, sigma);
    }
    *valueOut = NAME(select)(live, value, SPLAT(0));
    *slopeOut = NAME(select)(live, slope, SPLAT(0));
}

/*
 * The offset basis (nuisance parameters): the shift c_0 + Σ_m c_m·D_m of the events at `start`,
 * and the accumulation g_m += slope·D_m. With M = 0 the shift is c_0 (0 without coefficients).
 */
INLINE TARGET V NAME(basis_shift)(const nplm_chunk *c, const float *coefficients, int32_t M, int32_t start) {
    if (!coefficients) return SPLAT(0);
    V shift = SPLAT(coefficients[0]);
    for (int32_t m = 0; m < M; m++) shift = FMA(SPLAT(coefficients[1 + m]), NAME(load)(c->basis + m * c->basis_stride + start), shift);
    return shift;
}

INLINE TARGET void NAME(basis_accumulate)(const nplm_chunk *c, int32_t M, int32_t start, V slope, V *gBasis) {
    for (int32_t m = 0; m < M; m++) gBasis[m] = FMA(slope, NAME(load)(c->basis + m * c->basis_stride + start), gBasis[m]);
}

INLINE TARGET const float *NAME(coefficients_of)(const nplm_plan *plan, const nplm_item *item) {
    return plan->offset_coefficients ? plan->offset_coefficients + (int64_t)item->fit * (plan->basis_count + 1) : 0;
}

/*
 * One pass of the kernel for a network with one hidden layer, [D, H, 1], with D and H constants
 * at the call: every loop is unrolled and activations and sums stay in registers. The same
 * operations in the same order as deep_pass, so both give the same bits. Leaves the lane sums of
 * the loss in lossLanes[first ..< first + VW] and of gradient component q in
 * gradLanes[32·q + first ..< 32·q + first + VW].
 */
#define UNROLL _Pragma("clang loop unroll(full)")
#define SHALLOW_MAX_D 5
#define SHALLOW_MAX_H 8
INLINE TARGET void NAME(shallow_pass)(const nplm_plan *plan, const nplm_item *item, const int32_t D, const int32_t H,
                                      int32_t first, float *restrict lossLanes, float *restrict gradLanes,
                                      float *restrict basisLanes, nplm_loss_kind loss) {
    const int32_t P = (D + 1) * H + H + 1;
    const int32_t M = plan->basis_count;
    const float *coefficients = NAME(coefficients_of)(plan, item);
    V gBasis[NPLM_MAX_BASIS];
    for (int32_t m = 0; m < M; m++) gBasis[m] = SPLAT(0);
    const float *restrict W1 = plan->parameters + (int64_t)item->fit * P;
    const float *restrict B1 = W1 + D * H, *restrict W2 = B1 + H;
    const float B2 = W2[H];
    const nplm_chunk *c = plan->chunks + item->chunk;
    V gW1[SHALLOW_MAX_D * SHALLOW_MAX_H], gB1[SHALLOW_MAX_H], gW2[SHALLOW_MAX_H];
    UNROLL
    for (int32_t q = 0; q < D * H; q++) gW1[q] = SPLAT(0);
    UNROLL
    for (int32_t j = 0; j < H; j++) gB1[j] = gW2[j] = SPLAT(0);
    V gB2 = SPLAT(0), lossSum = SPLAT(0);
    VI lane = {0};
    for (int k = 0; k < VW; k++) lane[k] = first + k;

    for (int32_t block = 0; block < c->count; block += NPLM_LANES) {
        const int32_t start = block + first;
        V x[SHALLOW_MAX_D], h[SHALLOW_MAX_H];
        UNROLL
        for (int32_t k = 0; k < D; k++) x[k] = NAME(load)(c->x + k * c->stride + start);
        UNROLL
        for (int32_t j = 0; j < H; j++) {
            V z = SPLAT(B1[j]);
            UNROLL
            for (int32_t k = 0; k < D; k++) z = FMA(SPLAT(W1[j * D + k]), x[k], z);
            h[j] = NAME(sigmoid)(z);
        }
        V f = SPLAT(B2);
        UNROLL
        for (int32_t j = 0; j < H; j++) f = FMA(SPLAT(W2[j]), h[j], f);
        V value, slope;
        NAME(event_loss)(c, block, start, lane, f, NAME(basis_shift)(c, coefficients, M, start), loss, &value, &slope);
        lossSum = lossSum + value;
        gB2 = gB2 + slope;
        NAME(basis_accumulate)(c, M, start, slope, gBasis);
        UNROLL
        for (int32_t j = 0; j < H; j++) gW2[j] = FMA(slope, h[j], gW2[j]);
        UNROLL
        for (int32_t j = 0; j < H; j++) {
            const V delta = (W2[j] * slope) * NAME(sigmoid_slope)(h[j]);
            gB1[j] = gB1[j] + delta;
            UNROLL
            for (int32_t k = 0; k < D; k++) gW1[j * D + k] = FMA(delta, x[k], gW1[j * D + k]);
        }
    }

    NAME(store)(lossLanes + first, lossSum);
    float *g = gradLanes + first;
    UNROLL
    for (int32_t q = 0; q < D * H; q++) NAME(store)(g + NPLM_LANES * q, gW1[q]);
    UNROLL
    for (int32_t j = 0; j < H; j++) NAME(store)(g + NPLM_LANES * (D * H + j), gB1[j]);
    UNROLL
    for (int32_t j = 0; j < H; j++) NAME(store)(g + NPLM_LANES * ((D + 1) * H + j), gW2[j]);
    NAME(store)(g + NPLM_LANES * ((D + 2) * H), gB2);
    for (int32_t m = 0; m < M; m++) NAME(store)(basisLanes + NPLM_LANES * m + first, gBasis[m]);
}

/*
 * One pass of the kernel for any network; the work space is the worker's scratch:
 * act holds VW floats per unit of every layer (layer l after the units of layers < l), deltaA and
 * deltaB VW per unit of the widest layer, grad VW per parameter. Same outputs as shallow_pass.
 */
INLINE TARGET void NAME(deep_pass)(const nplm_plan *plan, const nplm_item *item, float *restrict act,
                                   float *restrict deltaA, float *restrict deltaB, float *restrict grad, int32_t first,
                                   float *restrict lossLanes, float *restrict gradLanes, float *restrict basisLanes,
                                   nplm_loss_kind loss) {
    const int32_t L = plan->layer_count;
    const int32_t M = plan->basis_count;
    const float *coefficients = NAME(coefficients_of)(plan, item);
    V gBasis[NPLM_MAX_BASIS];
    for (int32_t m = 0; m < M; m++) gBasis[m] = SPLAT(0);
    const int32_t *widths = plan->widths;
    const int32_t P = plan->parameter_count;
    const float *restrict p = plan->parameters + (int64_t)item->fit * P;
    const nplm_chunk *c = plan->chunks + item->chunk;
    int64_t units = 0;
    for (int32_t l = 0; l <= L; l++) units += widths[l];
    memset(grad, 0, sizeof(float) * VW * (size_t)P);
    V lossSum = SPLAT(0);
    VI lane = {0};
    for (int k = 0; k < VW; k++) lane[k] = first + k;

    for (int32_t block = 0; block < c->count; block += NPLM_LANES) {
        const int32_t start = block + first;
        /* forward: z_j = b_j + Σ_i W_ji·in_i, σ(z) on hidden layers */
        for (int32_t k = 0; k < widths[0]; k++) NAME(store)(act + VW * k, NAME(load)(c->x + k * c->stride + start));
        float *restrict in = act;
        int32_t offset = 0;
        for (int32_t l = 0; l < L; l++) {
            const int32_t nIn = widths[l], nOut = widths[l + 1];
            const float *restrict W = p + offset, *restrict B = p + offset + nIn * nOut;
            float *restrict out = in + VW * nIn;
            for (int32_t j = 0; j < nOut; j++) {
                V z = SPLAT(B[j]);
                for (int32_t i = 0; i < nIn; i++) z = FMA(SPLAT(W[j * nIn + i]), NAME(load)(in + VW * i), z);
                NAME(store)(out + VW * j, l < L - 1 ? NAME(sigmoid)(z) : z);
            }
            in = out;
            offset += (nIn + 1) * nOut;
        }
        V value, slope;
        NAME(event_loss)(c, block, start, lane, NAME(load)(in), NAME(basis_shift)(c, coefficients, M, start), loss, &value, &slope);
        lossSum = lossSum + value;
        NAME(basis_accumulate)(c, M, start, slope, gBasis);
        NAME(store)(deltaA, slope);

        /* backward: grad += delta·input at every layer, then delta ← (Wᵀ·delta)·σ' below it */
        float *restrict delta = deltaA, *restrict below = deltaB;
        int64_t inOffset = units - widths[L];
        offset = P;
        for (int32_t l = L - 1; l >= 0; l--) {
            const int32_t nIn = widths[l], nOut = widths[l + 1];
            offset -= (nIn + 1) * nOut;
            inOffset -= nIn;
            const float *restrict input = act + VW * inOffset;
            const float *restrict W = p + offset;
            float *restrict gW = grad + VW * offset;
            float *restrict gB = gW + VW * nIn * nOut;
            for (int32_t j = 0; j < nOut; j++) {
                const V dj = NAME(load)(delta + VW * j);
                NAME(store)(gB + VW * j, NAME(load)(gB + VW * j) + dj);
                for (int32_t i = 0; i < nIn; i++) {
                    float *g = gW + VW * (j * nIn + i);
                    NAME(store)(g, FMA(dj, NAME(load)(input + VW * i), NAME(load)(g)));
                }
            }
            if (l == 0) break;
            for (int32_t i = 0; i < nIn; i++) {
                V s = W[i] * NAME(load)(delta);
                for (int32_t j = 1; j < nOut; j++) s = FMA(SPLAT(W[j * nIn + i]), NAME(load)(delta + VW * j), s);
                NAME(store)(below + VW * i, s * NAME(sigmoid_slope)(NAME(load)(input + VW * i)));
            }
            float *restrict swap = delta;
            delta = below;
            below = swap;
        }
    }

    NAME(store)(lossLanes + first, lossSum);
    for (int32_t q = 0; q < P; q++) NAME(store)(gradLanes + NPLM_LANES * q + first, NAME(load)(grad + VW * q));
    for (int32_t m = 0; m < M; m++) NAME(store)(basisLanes + NPLM_LANES * m + first, gBasis[m]);
}

/* The whole item: every pass, then the 32 lanes of each sum combined in double in lane order. */
INLINE TARGET void NAME(compute_with)(const nplm_plan *plan, int64_t index, int32_t worker, nplm_loss_kind loss) {
    const nplm_item *item = plan->items + index;
    const int32_t P = plan->parameter_count, L = plan->layer_count;
    const int32_t *widths = plan->widths;
    float *scratch = plan->scratch + worker * plan->scratch_floats;
    const int32_t M = plan->basis_count;
    float *lossLanes = scratch + plan->scratch_floats - NPLM_LANES * ((int64_t)P + 1);
    float *gradLanes = lossLanes + NPLM_LANES;
    float *basisLanes = lossLanes - NPLM_LANES * (int64_t)M;
    if (!plan->general_only && L == 2 && widths[0] == 1 && widths[1] == 4 && widths[2] == 1) {
        for (int32_t first = 0; first < NPLM_LANES; first += VW)
            NAME(shallow_pass)(plan, item, 1, 4, first, lossLanes, gradLanes, basisLanes, loss);
    } else {
        int64_t units = 0, widest = 0;
        for (int32_t l = 0; l <= L; l++) {
            units += widths[l];
            if (widths[l] > widest) widest = widths[l];
        }
        float *act = scratch, *deltaA = act + VW * units, *deltaB = deltaA + VW * widest, *grad = deltaB + VW * widest;
        for (int32_t first = 0; first < NPLM_LANES; first += VW)
            NAME(deep_pass)(plan, item, act, deltaA, deltaB, grad, first, lossLanes, gradLanes, basisLanes, loss);
    }
    double *out = plan->outputs + (int64_t)item->slot * (P + 1 + M);
    out[0] = lane_sum(lossLanes);
    for (int32_t q = 0; q < P; q++) out[1 + q] = lane_sum(gradLanes + NPLM_LANES * q);
    for (int32_t m = 0; m < M; m++) out[1 + P + m] = lane_sum(basisLanes + NPLM_LANES * m);
}

TARGET static void NAME(compute)(const nplm_plan *plan, int64_t index, int32_t worker) {
    if (plan->loss == NPLM_LOSS_EXP_LINEAR) NAME(compute_with)(plan, index, worker, NPLM_LOSS_EXP_LINEAR);
    else NAME(compute_with)(plan, index, worker, NPLM_LOSS_LOGISTIC);
}

TARGET static void NAME(exp_lanes)(const float *x, float *y) {
    for (int k = 0; k < NPLM_LANES; k += VW) NAME(store)(y + k, NAME(exp)(NAME(load)(x + k)));
}

TARGET static void NAME(softplus_lanes)(const float *x, float *y) {
    for (int k = 0; k < NPLM_LANES; k += VW) NAME(store)(y + k, NAME(softplus)(NAME(load)(x + k)));
}

#undef FMA
#undef SPLAT
#undef UNROLL
#undef SHALLOW_MAX_D
#undef SHALLOW_MAX_H
#undef NAME
#undef TARGET
#undef HAS_FMA
