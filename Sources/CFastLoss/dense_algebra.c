/*
 * The M × M linear algebra of the kernel model's Falkon preconditioner (Cholesky factors of K_MM
 * and of the Newton matrix, triangular solves, a Gram product) through LAPACK and BLAS, from
 * OpenBLAS (Debian libopenblas-dev): an M = 3000 Cholesky is ≈ 9·10⁹ flops, seconds in a plain
 * loop, a fraction of a second in OpenBLAS. The plain Double versions that tests compare these
 * with are in Sources/NPLMEngines/KernelProducts/DenseAlgebra.swift. Column-major throughout.
 */
#include "CFastLoss.h"

#include <stddef.h>

/* Fortran LAPACK/BLAS entry points (no header needed; libopenblas exports them). */
extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
extern void dtrsv_(const char *uplo, const char *trans, const char *diag, const int *n, const double *a,
                   const int *lda, double *x, const int *incx);
extern void dsyrk_(const char *uplo, const char *trans, const int *n, const int *k, const double *alpha,
                   const double *a, const int *lda, const double *beta, double *c, const int *ldc);

int32_t nplm_cholesky_upper(double *a, int32_t n) {
    int info = 0, size = n;
    dpotrf_("U", &size, a, &size, &info);
    for (int32_t j = 0; j < n; j++)
        for (int32_t i = j + 1; i < n; i++) a[(size_t)j * n + i] = 0;
    return info;
}

void nplm_triangular_solve(const double *t, int32_t n, double *b, int32_t transposed) {
    int size = n, one = 1;
    dtrsv_("U", transposed ? "T" : "N", "N", &size, t, &size, b, &one);
}

void nplm_gram(const double *s, int32_t n, double scale, double *c) {
    int size = n;
    const double zero = 0;
    dsyrk_("U", "N", &size, &size, &scale, s, &size, &zero, c, &size);
    for (int32_t j = 0; j < n; j++)
        for (int32_t i = j + 1; i < n; i++) c[(size_t)j * n + i] = c[(size_t)i * n + j];
}
