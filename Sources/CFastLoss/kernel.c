/*
 * The chunk kernel (chunk_kernel.h) in three instruction-set variants, chosen at run time:
 * Swift and the rest of the binary stay baseline x86-64, and a binary built anywhere uses
 * AVX-512 or AVX2 where the running CPU has them.
 *
 * Layouts (Architecture.swift): layer l maps n_in = widths[l] inputs to n_out = widths[l+1]
 * outputs, weights W[j·n_in + i] then biases b[j], layer after layer. Hidden units are sigmoids,
 * the output is linear.
 */
#include "CFastLoss.h"
/* The per-event loss, shared with the OpenCL kernels (one definition of each formula). */
#include "../../Kernels/loss_terms.h"

#include <string.h>

/* No implicit contraction of a·b + c into an FMA: the kernel says where it fuses (FMA in
 * chunk_kernel.h), so that the AVX2 and AVX-512 variants do the same IEEE operations and a toy
 * gives the same bits on every node of a cluster. */
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

#define INLINE static inline __attribute__((always_inline))

/* Combines the NPLM_LANES lane sums in double, lane 0 first. */
INLINE double lane_sum(const float *lanes) {
    double s = 0;
    for (int i = 0; i < NPLM_LANES; i++) s += (double)lanes[i];
    return s;
}

int64_t nplm_scratch_floats(int32_t layer_count, const int32_t *widths, int32_t basis_count) {
    int64_t units = 0, widest = 0, parameters = 0;
    for (int32_t l = 0; l <= layer_count; l++) {
        units += widths[l];
        if (widths[l] > widest) widest = widths[l];
    }
    for (int32_t l = 0; l < layer_count; l++) parameters += (int64_t)(widths[l] + 1) * widths[l + 1];
    /* activations of every layer, two delta buffers, gradient accumulators, the lane sums of the
     * basis gradients, then those of the loss and of every gradient component */
    return NPLM_LANES * (units + 2 * widest + parameters) + NPLM_LANES * basis_count + NPLM_LANES * (parameters + 1);
}

/* Every variant works on 32 floats at a time: one AVX-512 operation is two zmm instructions, one
 * AVX2 operation four ymm, one SSE2 operation eight xmm. Wider than the registers on purpose: the
 * independent halves hide the latency of the exp and divide chains (measured: +20 % with AVX2
 * over 16 floats, +40 % over 8). */
typedef float v32f __attribute__((vector_size(128)));
typedef int32_t v32i __attribute__((vector_size(128)));

/* The vector helpers are always inlined, so the calling convention of vectors wider than the
 * registers never matters. */
#pragma clang diagnostic ignored "-Wpsabi"

/* Every variant (instruction_sets.h): 32 floats per vector operation. */
#define VW 32
#define V v32f
#define VI v32i

#define INSTRUCTION_SET_BODY "chunk_kernel.h"
#include "instruction_sets.h"

void nplm_compute_item(const nplm_plan *plan, int64_t item, int32_t worker) {
    switch (plan->isa) {
    case NPLM_ISA_AVX512: compute_avx512(plan, item, worker); break;
    case NPLM_ISA_AVX2: compute_avx2(plan, item, worker); break;
    default: compute_baseline(plan, item, worker); break;
    }
}

void nplm_exp_lanes(nplm_isa isa, const float *x, float *y) {
    switch (isa) {
    case NPLM_ISA_AVX512: exp_lanes_avx512(x, y); break;
    case NPLM_ISA_AVX2: exp_lanes_avx2(x, y); break;
    default: exp_lanes_baseline(x, y); break;
    }
}

void nplm_softplus_lanes(nplm_isa isa, const float *x, float *y) {
    switch (isa) {
    case NPLM_ISA_AVX512: softplus_lanes_avx512(x, y); break;
    case NPLM_ISA_AVX2: softplus_lanes_avx2(x, y); break;
    default: softplus_lanes_baseline(x, y); break;
    }
}

nplm_isa nplm_best_isa(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl"))
        return NPLM_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return NPLM_ISA_AVX2;
    return NPLM_ISA_BASELINE;
}

const char *nplm_isa_name(nplm_isa isa) {
    switch (isa) {
    case NPLM_ISA_AVX512: return "AVX-512";
    case NPLM_ISA_AVX2: return "AVX2";
    default: return "baseline (SSE2)";
    }
}
