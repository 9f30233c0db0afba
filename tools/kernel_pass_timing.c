/*
 * Times one product pass Kᵀ(d ∘ K·v) of the kernel model's fast CPU engine (nplm_kernel_pass in
 * Sources/CFastLoss) with float32 and with float64 kernel values, alternated, in process CPU
 * seconds and wall seconds: the cost of the float64 kernel values the authors' objective needs
 * (KernelPrecision in Sources/NPLMEngines/KernelProducts/KernelPrecision.swift), apart from the machine's
 * other load as far as CPU time allows. 1-D events from e^{-x}, σ = 2.4, as `nplm bench
 * --workloads kernel`.
 *
 * Build and run (clang, OpenBLAS as the package links it):
 *   clang -O2 -I Sources/CFastLoss/include tools/kernel_pass_timing.c Sources/CFastLoss/kernel.c \
 *         Sources/CFastLoss/kernel_model.c Sources/CFastLoss/pool.c Sources/CFastLoss/dense_algebra.c \
 *         -lopenblas -lpthread -lm -o /tmp/kernel_pass_timing
 *   /tmp/kernel_pass_timing [n = 202000] [M = 3000] [threads = 2] [rounds = 5]
 * It prints, per precision, the minimum and median over the rounds. Measured on the 2-core
 * AVX-512 Xeon (shared, load ≈ 4), n = 202 000, M = 3000, 2 threads, 7 rounds: float32 0.369 /
 * 0.394 CPU s (min / median), float64 0.545 / 0.565: +45 % per pass.
 */
#include "CFastLoss.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int compare(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    const int64_t n = argc > 1 ? atoll(argv[1]) : 202000;
    const int32_t m = argc > 2 ? atoi(argv[2]) : 3000;
    const int32_t threads = argc > 3 ? atoi(argv[3]) : 2;
    const int rounds = argc > 4 ? atoi(argv[4]) : 5;
    const double sigma = 2.4, gamma = 1 / (2 * sigma * sigma);

    float *x = malloc(sizeof(float) * (size_t)n), *centres = malloc(sizeof(float) * (size_t)m);
    double *v = malloc(sizeof(double) * (size_t)m), *d = malloc(sizeof(double) * (size_t)n);
    double *r = malloc(sizeof(double) * (size_t)m);
    uint64_t state = 12345;
    for (int64_t i = 0; i < n; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        x[i] = (float)-log(1 - (double)(state >> 11) * 0x1.0p-53);
        d[i] = 1.0 / (double)n;
    }
    for (int32_t j = 0; j < m; j++) {
        centres[j] = x[(int64_t)j * (n / m)];
        v[j] = 1e-3;
    }
    const int64_t blocks = (n + NPLM_KERNEL_BLOCK - 1) / NPLM_KERNEL_BLOCK;
    double *partials = malloc(sizeof(double) * (size_t)(blocks * m));
    float *scratch = malloc(sizeof(float) * (size_t)threads * (size_t)m * NPLM_LANES);
    double *scratch_double = malloc(sizeof(double) * (size_t)threads * (size_t)m * NPLM_LANES);
    nplm_pool *pool = nplm_pool_create(threads);
    const nplm_isa isa = nplm_best_isa();

    double cpu[2][64], wall[2][64];
    for (int round = 0; round < rounds && round < 64; round++) {
        for (int precision = 0; precision < 2; precision++) {
            nplm_kernel_pass pass = {
                .x = x, .n = n, .dimension = 1, .centres = centres, .m = m, .gamma = (float)gamma,
                .v = v, .d = d, .a = NULL, .u = NULL, .r = r, .partials = partials, .scratch = scratch, .isa = isa,
                .double_values = precision, .gamma_double = gamma, .scratch_double = scratch_double,
            };
            const double c0 = seconds(CLOCK_PROCESS_CPUTIME_ID), w0 = seconds(CLOCK_MONOTONIC);
            nplm_kernel_pass_run(pool, &pass);
            cpu[precision][round] = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
            wall[precision][round] = seconds(CLOCK_MONOTONIC) - w0;
        }
    }
    printf("one pass K^T(d * K v), n = %lld, M = %d, %d threads, %s, %d rounds alternated\n", (long long)n, m, threads,
           nplm_isa_name(isa), rounds);
    for (int precision = 0; precision < 2; precision++) {
        qsort(cpu[precision], (size_t)rounds, sizeof(double), compare);
        qsort(wall[precision], (size_t)rounds, sizeof(double), compare);
        printf("%s kernel values: CPU s min %.3f median %.3f, wall s min %.3f median %.3f\n",
               precision ? "float64" : "float32", cpu[precision][0], cpu[precision][rounds / 2], wall[precision][0],
               wall[precision][rounds / 2]);
    }
    nplm_pool_destroy(pool);
    return 0;
}
