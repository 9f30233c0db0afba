/*
 * Gaussian-kernel products K_nM·v and K_nMᵀ·w of the kernel model (Nyström-Falkon NPLM of
 * Letizia et al., "Learning new physics efficiently with nonparametric methods"), computed on the
 * fly block by block (kernel_products.h) in three instruction-set variants chosen at run time, as
 * the chunk kernel of kernel.c. K_nM is never stored: per worker only one 32-event slab of it
 * (M × 32 floats, or doubles for float64 kernel values) lives in scratch between the K·v and the
 * Kᵀ·w halves of a block.
 */
#include "CFastLoss.h"

#include <stdlib.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#pragma clang diagnostic ignored "-Wpsabi"

#define INLINE static inline __attribute__((always_inline))

typedef float v32f __attribute__((vector_size(128)));
typedef int32_t v32i __attribute__((vector_size(128)));
typedef double v32d __attribute__((vector_size(256)));
typedef int64_t v32l __attribute__((vector_size(256)));

#define VW 32
#define V v32f
#define VI v32i
#define VD v32d
#define VL v32l

#define INSTRUCTION_SET_BODY "kernel_products.h"
#include "instruction_sets.h"

static void kernel_task(const void *context, int64_t block, int32_t worker) {
    const nplm_kernel_pass *p = context;
    if (p->double_values) {
        switch (p->isa) {
        case NPLM_ISA_AVX512: kernel_block_double_avx512(p, block, worker); break;
        case NPLM_ISA_AVX2: kernel_block_double_avx2(p, block, worker); break;
        default: kernel_block_double_baseline(p, block, worker); break;
        }
        return;
    }
    switch (p->isa) {
    case NPLM_ISA_AVX512: kernel_block_avx512(p, block, worker); break;
    case NPLM_ISA_AVX2: kernel_block_avx2(p, block, worker); break;
    default: kernel_block_baseline(p, block, worker); break;
    }
}

void nplm_kernel_pass_run(nplm_pool *pool, const nplm_kernel_pass *pass) {
    const int64_t blocks = (pass->n + NPLM_KERNEL_BLOCK - 1) / NPLM_KERNEL_BLOCK;
    nplm_pool_run(pool, blocks, kernel_task, pass);
    if (!pass->r) return;
    /* blocks in block order: the same sum whatever thread did which block */
    for (int32_t m = 0; m < pass->m; m++) pass->r[m] = 0;
    for (int64_t b = 0; b < blocks; b++) {
        const double *partial = pass->partials + b * pass->m;
        for (int32_t m = 0; m < pass->m; m++) pass->r[m] += partial[m];
    }
}

void nplm_exp_double_lanes(nplm_isa isa, const double *x, double *y) {
    switch (isa) {
    case NPLM_ISA_AVX512: exp_double_lanes_avx512(x, y); break;
    case NPLM_ISA_AVX2: exp_double_lanes_avx2(x, y); break;
    default: exp_double_lanes_baseline(x, y); break;
    }
}
