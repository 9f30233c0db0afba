/*
 * The Gaussian-kernel products of one block of events (nplm_kernel_pass in CFastLoss.h), written
 * once and included by kernel_model.c once per instruction set (instruction_sets.h), with VW = 32,
 * V, VI, VD, VL, NAME, TARGET and HAS_FMA defined as for chunk_kernel.h (VD: 32 doubles, VL: 32
 * int64). Every variant does the same IEEE operations in the same order, so AVX2 and AVX-512 give
 * identical bits.
 */

#include "vector_math.h"

INLINE TARGET VD NAME(widen)(V x) { return __builtin_convertvector(x, VD); }
INLINE TARGET VD NAME(load_double)(const double *p) { VD v; memcpy(&v, p, sizeof v); return v; }
INLINE TARGET void NAME(store_double)(double *p, VD v) { memcpy(p, &v, sizeof v); }
/* a·b + c in double, rounded once where the CPU has FMA. */
INLINE TARGET VD NAME(fma_double)(VD a, VD b, VD c) {
#if HAS_FMA
    return __builtin_elementwise_fma(a, b, c);
#else
    return a * b + c;
#endif
}

/*
 * e^x in double for the float64 kernel values, x = −γ‖x − x̃‖² ≤ 0: n = round(x·log2 e) by the
 * 1.5·2^52 shifter, r = x − n·ln 2 in two parts (Cody–Waite: ln2_hi has 41 significant bits, so
 * n·ln2_hi is exact for |n| < 2^12), |r| ≤ ln 2 / 2, e^r by its Taylor polynomial to degree 13
 * (truncation below |r|^14/14! ≈ 4e-18) in Horner form, times 2^n built in the exponent bits.
 * x below −708 (e^x < 3.3e-308, where 2^n would leave the normal range) gives 0; a NaN stays NaN.
 * Within 1 ulp of Foundation.exp (KernelObjectiveTests.testDoubleExponentialIsWithinTwoUlp).
 */
INLINE TARGET VD NAME(exp_double)(VD x) {
    const VD shifter = (VD){0} + 6755399441055744.0;      /* 1.5·2^52: adding it rounds to an integer */
    const VD t = NAME(fma_double)(x, (VD){0} + 0x1.71547652b82fep+0, shifter);
    const VD n = t - shifter;
    VD r = NAME(fma_double)(n, (VD){0} - 0x1.62e42fefa3000p-1, x);
    r = NAME(fma_double)(n, (VD){0} - 0x1.3de6af278ece6p-42, r);
    static const double taylor[14] = {
        0x1.0000000000000p+0, 0x1.0000000000000p+0, 0x1.0000000000000p-1, 0x1.5555555555555p-3,
        0x1.5555555555555p-5, 0x1.1111111111111p-7, 0x1.6c16c16c16c17p-10, 0x1.a01a01a01a01ap-13,
        0x1.a01a01a01a01ap-16, 0x1.71de3a556c734p-19, 0x1.27e4fb7789f5cp-22, 0x1.ae64567f544e4p-26,
        0x1.1eed8eff8d898p-29, 0x1.6124613a86d09p-33,
    };
    VD p = (VD){0} + taylor[13];
    for (int k = 12; k >= 0; k--) p = NAME(fma_double)(p, r, (VD){0} + taylor[k]);
    const VL scale = (((VL)t - 0x4338000000000000LL) + 1023) << 52;
    const VD y = p * (VD)scale;
    const VL below = (VL)(x < -708.0);
    return (VD)(~below & (VL)y);
}

/* Σ of 32 double lanes in a fixed tree: halves added lane by lane, 16, 8, 4, 2, 1. */
INLINE TARGET double NAME(tree_sum)(VD s) {
    double h[32];
    memcpy(h, &s, sizeof h);
    for (int width = 16; width >= 1; width /= 2)
        for (int i = 0; i < width; i++) h[i] = h[i] + h[i + width];
    return h[0];
}

/*
 * tree_sum of eight vectors at once, out[j] = tree_sum(s[j]) bit for bit: the same additions of
 * the same lane pairs, the last three levels done for two, four and eight vectors per instruction
 * by gathering their lanes side by side (the scalar tail of eight separate trees was ≈ 15 % of a
 * float64 pass).
 */
typedef double NAME(v16d) __attribute__((vector_size(128)));
typedef double NAME(v8d) __attribute__((vector_size(64)));
INLINE TARGET NAME(v8d) NAME(tree_sums8)(const VD *s) {
    NAME(v8d) b[8];
    for (int j = 0; j < 8; j++) {
        const NAME(v16d) a = __builtin_shufflevector(s[j], s[j], 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) +
                             __builtin_shufflevector(s[j], s[j], 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
        b[j] = __builtin_shufflevector(a, a, 0, 1, 2, 3, 4, 5, 6, 7) + __builtin_shufflevector(a, a, 8, 9, 10, 11, 12, 13, 14, 15);
    }
    NAME(v8d) c[4]; /* c[k]: lanes 0–3 the width-4 level of vector 2k, lanes 4–7 that of 2k + 1 */
    for (int k = 0; k < 4; k++)
        c[k] = __builtin_shufflevector(b[2 * k], b[2 * k + 1], 0, 1, 2, 3, 8, 9, 10, 11) +
               __builtin_shufflevector(b[2 * k], b[2 * k + 1], 4, 5, 6, 7, 12, 13, 14, 15);
    NAME(v8d) d[2]; /* d[k]: two lanes each of vectors 4k … 4k + 3 (the width-2 level) */
    for (int k = 0; k < 2; k++)
        d[k] = __builtin_shufflevector(c[2 * k], c[2 * k + 1], 0, 1, 4, 5, 8, 9, 12, 13) +
               __builtin_shufflevector(c[2 * k], c[2 * k + 1], 2, 3, 6, 7, 10, 11, 14, 15);
    return __builtin_shufflevector(d[0], d[1], 0, 2, 4, 6, 8, 10, 12, 14) +
           __builtin_shufflevector(d[0], d[1], 1, 3, 5, 7, 9, 11, 13, 15);
}

/* Row m of a slab's kernel values (float32 `kf` or float64 `kd`) times the lanes' w, in double. */
INLINE TARGET VD NAME(slab_row)(const float *kf, const double *kd, int32_t m, VD w) {
    return (kd ? NAME(load_double)(kd + (int64_t)m * NPLM_LANES) : NAME(widen)(NAME(load)(kf + (int64_t)m * NPLM_LANES))) * w;
}

/* partial[m] += tree_sum(row m · w) for every centre m: the half Kᵀ·w of a slab. */
INLINE TARGET void NAME(add_tree_sums)(double *partial, int32_t M, const float *kf, const double *kd, VD w) {
    int32_t m = 0;
    for (; m + 8 <= M; m += 8) {
        VD s[8];
        for (int j = 0; j < 8; j++) s[j] = NAME(slab_row)(kf, kd, m + j, w);
        NAME(v8d) sums;
        memcpy(&sums, partial + m, sizeof sums);
        sums = sums + NAME(tree_sums8)(s);
        memcpy(partial + m, &sums, sizeof sums);
    }
    for (; m < M; m++) partial[m] += NAME(tree_sum)(NAME(slab_row)(kf, kd, m, w));
}

/* Block `block` of the pass (NPLM_KERNEL_BLOCK events), with the scratch of worker `worker`. */
TARGET static void NAME(kernel_block)(const nplm_kernel_pass *p, int64_t block, int32_t worker) {
    const int32_t M = p->m, D = p->dimension;
    float *kv = p->scratch + (int64_t)worker * M * NPLM_LANES;
    double *partial = p->r ? p->partials + block * M : NULL;
    if (partial) memset(partial, 0, sizeof(double) * (size_t)M);
    const V g = SPLAT(-p->gamma);
    const int64_t first = block * NPLM_KERNEL_BLOCK;
    const int64_t last = first + NPLM_KERNEL_BLOCK < p->n ? first + NPLM_KERNEL_BLOCK : p->n;
    for (int64_t start = first; start < last; start += NPLM_LANES) {
        const int32_t live = (int32_t)(last - start < NPLM_LANES ? last - start : NPLM_LANES);
        /* the lanes' events (zero past the end), one vector per feature; at most 8 features are
         * kept in registers, more are reloaded per centre */
        V xs[8];
        for (int32_t k = 0; k < D && k < 8; k++) {
            float tmp[NPLM_LANES] = {0};
            memcpy(tmp, p->x + k * p->n + start, sizeof(float) * (size_t)live);
            xs[k] = NAME(load)(tmp);
        }
        VD u = (VD){0};
        for (int32_t m = 0; m < M; m++) {
            V dist = SPLAT(0);
            for (int32_t k = 0; k < D; k++) {
                V xk;
                if (k < 8) xk = xs[k];
                else {
                    float tmp[NPLM_LANES] = {0};
                    memcpy(tmp, p->x + k * p->n + start, sizeof(float) * (size_t)live);
                    xk = NAME(load)(tmp);
                }
                const V diff = xk - p->centres[(int64_t)k * M + m];
                dist = FMA(diff, diff, dist);
            }
            const V k = NAME(exp)(dist * g);
            if (partial) NAME(store)(kv + (int64_t)m * NPLM_LANES, k);
            if (p->v) u = u + NAME(widen)(k) * p->v[m];
        }
        double ul[NPLM_LANES];
        memcpy(ul, &u, sizeof ul);
        if (p->u) memcpy(p->u + start, ul, sizeof(double) * (size_t)live);
        if (!partial) continue;
        double wl[NPLM_LANES] = {0};
        for (int32_t i = 0; i < live; i++) {
            double w = 0;
            if (p->d) w = p->d[start + i] * ul[i];
            if (p->a) w = w + p->a[start + i];
            wl[i] = w;
        }
        VD w;
        memcpy(&w, wl, sizeof w);
        NAME(add_tree_sums)(partial, M, kv, NULL, w);
    }
}

/* The same block with float64 kernel values: the squared distance from the float events and
 * centres in double, e^x in double (exp_double), the M × 32 slab of scratch in doubles. Its tail
 * (u stored, the lanes' weights) repeats kernel_block's: one inline helper for both made this
 * pass 4 % slower (release, 0.400–0.409 against 0.421–0.432 CPU s at N_R 200 000, M 3000). */
TARGET static void NAME(kernel_block_double)(const nplm_kernel_pass *p, int64_t block, int32_t worker) {
    const int32_t M = p->m, D = p->dimension;
    double *kv = p->scratch_double + (int64_t)worker * M * NPLM_LANES;
    double *partial = p->r ? p->partials + block * M : NULL;
    if (partial) memset(partial, 0, sizeof(double) * (size_t)M);
    const VD g = (VD){0} - p->gamma_double;
    const int64_t first = block * NPLM_KERNEL_BLOCK;
    const int64_t last = first + NPLM_KERNEL_BLOCK < p->n ? first + NPLM_KERNEL_BLOCK : p->n;
    for (int64_t start = first; start < last; start += NPLM_LANES) {
        const int32_t live = (int32_t)(last - start < NPLM_LANES ? last - start : NPLM_LANES);
        VD xs[8];
        for (int32_t k = 0; k < D && k < 8; k++) {
            float tmp[NPLM_LANES] = {0};
            memcpy(tmp, p->x + k * p->n + start, sizeof(float) * (size_t)live);
            xs[k] = NAME(widen)(NAME(load)(tmp));
        }
        VD u = (VD){0};
        for (int32_t m = 0; m < M; m++) {
            /* Σ_k (x_k − x̃_k)², each square rounded then added (no FMA), as the Double reference */
            VD dist = (VD){0};
            for (int32_t k = 0; k < D; k++) {
                VD xk;
                if (k < 8) xk = xs[k];
                else {
                    float tmp[NPLM_LANES] = {0};
                    memcpy(tmp, p->x + k * p->n + start, sizeof(float) * (size_t)live);
                    xk = NAME(widen)(NAME(load)(tmp));
                }
                const VD diff = xk - (double)p->centres[(int64_t)k * M + m];
                dist = dist + diff * diff;
            }
            const VD k = NAME(exp_double)(g * dist);
            if (partial) NAME(store_double)(kv + (int64_t)m * NPLM_LANES, k);
            if (p->v) u = u + k * p->v[m];
        }
        double ul[NPLM_LANES];
        memcpy(ul, &u, sizeof ul);
        if (p->u) memcpy(p->u + start, ul, sizeof(double) * (size_t)live);
        if (!partial) continue;
        double wl[NPLM_LANES] = {0};
        for (int32_t i = 0; i < live; i++) {
            double w = 0;
            if (p->d) w = p->d[start + i] * ul[i];
            if (p->a) w = w + p->a[start + i];
            wl[i] = w;
        }
        VD w;
        memcpy(&w, wl, sizeof w);
        NAME(add_tree_sums)(partial, M, NULL, kv, w);
    }
}

/* e^x of 32 doubles with exp_double (for tests). */
TARGET static void NAME(exp_double_lanes)(const double *x, double *y) {
    NAME(store_double)(y, NAME(exp_double)(NAME(load_double)(x)));
}

#undef FMA
#undef SPLAT
#undef NAME
#undef TARGET
#undef HAS_FMA
