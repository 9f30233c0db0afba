/*
 * A body written once (chunk_kernel.h, kernel_products.h) compiled for each instruction set that
 * nplm_best_isa (kernel.c) can pick at run time: AVX-512 (the features it checks), AVX2 with
 * FMA, and the x86-64 baseline (SSE2). The includer names the body in INSTRUCTION_SET_BODY, a
 * quoted file name; the body names its functions NAME(f), marks them TARGET, tests HAS_FMA, and
 * undefines all three at its end, so that each variant here names only what differs.
 */

#define NAME(x) x##_avx512
#define TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,bmi2"), min_vector_width(512)))
#define HAS_FMA 1
#include INSTRUCTION_SET_BODY

#define NAME(x) x##_avx2
#define TARGET __attribute__((target("avx2,fma,bmi2")))
#define HAS_FMA 1
#include INSTRUCTION_SET_BODY

#define NAME(x) x##_baseline
#define TARGET
#define HAS_FMA 0
#include INSTRUCTION_SET_BODY

#undef INSTRUCTION_SET_BODY
