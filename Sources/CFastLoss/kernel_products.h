/*
 * The Gaussian-kernel products of one block of events (nplm_kernel_pass in CFastLoss.h), written
 * once and included by kernel_model.c once per instruction set, with VW = 32, V, VI, VD, NAME,
 * TARGET and HAS_FMA defined as for chunk_kernel.h (VD: 32 doubles). Every variant does the same
 * IEEE operations in the same order, so AVX2 and AVX-512 give identical bits.
 */

#include "vector_math.h"

INLINE TARGET VD NAME(widen)(V x) { return __builtin_convertvector(x, VD); }

/* Σ of 32 double lanes in a fixed tree: halves added lane by lane, 16, 8, 4, 2, 1. */
INLINE TARGET double NAME(tree_sum)(VD s) {
    double h[32];
    memcpy(h, &s, sizeof h);
    for (int width = 16; width >= 1; width /= 2)
        for (int i = 0; i < width; i++) h[i] = h[i] + h[i + width];
    return h[0];
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
        for (int32_t m = 0; m < M; m++) {
            V k = NAME(load)(kv + (int64_t)m * NPLM_LANES);
            partial[m] += NAME(tree_sum)(NAME(widen)(k) * w);
        }
    }
}

#undef FMA
#undef SPLAT
#undef NAME
#undef TARGET
#undef HAS_FMA
