/*
 * The M × M linear algebra of the kernel model's Falkon preconditioner (Cholesky factors of K_MM
 * and of the Newton matrix, triangular solves, a Gram product) through LAPACK and BLAS, from
 * OpenBLAS (Debian libopenblas-dev): an M = 3000 Cholesky is ≈ 9·10⁹ flops, seconds in a plain
 * loop, a fraction of a second in OpenBLAS. The plain Double versions that tests compare these
 * with are in Sources/NPLMEngines/KernelProducts/DenseAlgebra.swift. Column-major throughout.
 *
 * Every call runs in one OpenBLAS thread. OpenBLAS splits dpotrf and dsyrk by its thread count
 * (by default the machine's cores, whatever --threads says), and the split changes the rounding:
 * the same toy at M = 3000 gave t = 15.07342 with one OpenBLAS thread and 15.07371 with two. With
 * one thread per call a fit's algebra is the same on every machine of one kind and for every
 * --threads; the kernel model's solver runs the independent fits' algebra side by side instead.
 * The setting is OpenBLAS's process-wide one (0.3.21 has no per-call setting).
 */
#include "CFastLoss.h"

#include <stddef.h>

/* Fortran LAPACK/BLAS entry points (no header needed; libopenblas exports them). */
extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
extern void dtrsv_(const char *uplo, const char *trans, const char *diag, const int *n, const double *a,
                   const int *lda, double *x, const int *incx);
extern void dsyrk_(const char *uplo, const char *trans, const int *n, const int *k, const double *alpha,
                   const double *a, const int *lda, const double *beta, double *c, const int *ldc);
extern void openblas_set_num_threads(int count);
extern int openblas_get_num_threads(void);
extern char *openblas_get_corename(void);

/* Before every call, not once: something else in the process (threadpoolctl, a NumPy on the same
 * OpenBLAS) may have raised the count since. Lowering it only sets OpenBLAS's count. */
static void one_blas_thread(void) { openblas_set_num_threads(1); }

int32_t nplm_cholesky_upper(double *a, int32_t n) {
    int info = 0, size = n;
    one_blas_thread();
    dpotrf_("U", &size, a, &size, &info);
    for (int32_t j = 0; j < n; j++)
        for (int32_t i = j + 1; i < n; i++) a[(size_t)j * n + i] = 0;
    return info;
}

void nplm_triangular_solve(const double *t, int32_t n, double *b, int32_t transposed) {
    int size = n, one = 1;
    one_blas_thread();
    dtrsv_("U", transposed ? "T" : "N", "N", &size, t, &size, b, &one);
}

void nplm_gram(const double *s, int32_t n, double scale, double *c) {
    int size = n;
    const double zero = 0;
    one_blas_thread();
    dsyrk_("U", "N", &size, &size, &scale, s, &size, &zero, c, &size);
    for (int32_t j = 0; j < n; j++)
        for (int32_t i = j + 1; i < n; i++) c[(size_t)j * n + i] = c[(size_t)i * n + j];
}

int32_t nplm_dense_algebra_threads(void) { return openblas_get_num_threads(); }

const char *nplm_dense_algebra_core(void) { return openblas_get_corename(); }
