#ifndef NPLM_CFASTLOSS_H
#define NPLM_CFASTLOSS_H

/*
 * The hot loop of nplm's fast CPU engine: loss and gradient of one small network over one chunk of
 * events, 32 events at a time, in float32, and the worker pool that spreads (fit, chunk) work
 * items over the cores.
 *
 * Every event adds, with z = f(x) + o (D'Agnolo et al., Imperfect Machine; Sources/NPLMCore/Loss/LossKind.swift):
 *   exp-linear: l = a·(e^z − 1) − b·z,              dl/df = a·e^z − b
 *   logistic:   l = (a + b)·(s(z) − s(o)) − b·f,    dl/df = (a + b)·σ(z) − b,    s(z) = log(1 + e^z)
 * (the logistic form is LossKind's a·(s(z) − s(o)) + b·(s(−z) − s(−o)) rewritten with s(−z) = s(z) − z).
 * An event with a = b = 0 adds exactly nothing.
 *
 * Offset basis (nuisance parameters, exp-linear only): with M = basis_count > 0 the offset is
 *   o = o_event + c_0 + Σ_m c_m·D_m(x)   (c: the fit's coefficients, D: the chunk's basis columns)
 * and the item also sums g_m = Σ (dl/df)·D_m over its events, in the same pass.
 *
 * Sums: 32 float lanes per chunk, combined in double in lane order; chunks are combined in double
 * by the caller in chunk order. Nothing depends on the thread count, and the AVX2 and AVX-512
 * variants do the same IEEE operations in the same order (explicit FMAs, no other contraction), so
 * a result is bitwise the same on every x86-64 machine with FMA (2013 on); the SSE2 variant for
 * older CPUs differs in the last bits.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Events per lane block. */
#define NPLM_LANES 32

/** Instruction-set variants of the kernel. */
typedef enum {
    NPLM_ISA_BASELINE = 0, /* SSE2, any x86-64 */
    NPLM_ISA_AVX2 = 1,     /* AVX2 + FMA (x86-64-v3) */
    NPLM_ISA_AVX512 = 2,   /* AVX-512 F/BW/DQ/VL (x86-64-v4) */
} nplm_isa;

/** The widest variant the running CPU supports. */
nplm_isa nplm_best_isa(void);
/** "baseline (SSE2)", "AVX2", "AVX-512". */
const char *nplm_isa_name(nplm_isa isa);

/** Per-event loss of `nplm_chunk`s. */
typedef enum { NPLM_LOSS_EXP_LINEAR = 0, NPLM_LOSS_LOGISTIC = 1 } nplm_loss_kind;

/**
 * A run of at most a few thousand events of one fit. Arrays are read in whole blocks of NPLM_LANES, so
 * they must be readable (zero-padded) up to `count` rounded up to NPLM_LANES; lanes past `count` add nothing.
 * A NULL coefficient array means the scalar beside it holds for every event.
 */
typedef struct {
    const float *x;  /* feature k of event i at x[k·stride + i] */
    int64_t stride;
    const float *a, *b, *o, *so;  /* so = s(o) = log(1 + e^o), used by the logistic loss */
    float a0, b0, o0, so0;
    int32_t count;
    const float *basis;      /* basis column m of event i at basis[m·basis_stride + i]; NULL: none */
    int64_t basis_stride;
} nplm_chunk;

/** Largest number of offset-basis columns (Σ of the shape nuisances' orders). */
#define NPLM_MAX_BASIS 8

/** One work item: chunk `chunk` of fit `fit`, written to output slot `slot`. */
typedef struct {
    int32_t fit;
    int32_t chunk;
    int32_t slot;
} nplm_item;

/** Everything the workers need for one pass over a list of items. */
typedef struct {
    int32_t layer_count;      /* L: weight layers */
    const int32_t *widths;    /* L + 1 widths, input first */
    int32_t parameter_count;  /* P, flat layout of Architecture.swift */
    nplm_loss_kind loss;
    nplm_isa isa;
    const float *parameters;  /* fit t at parameters[t·P ..< (t+1)·P] */
    const nplm_chunk *chunks;
    const nplm_item *items;
    double *outputs;          /* slot s: loss at outputs[s·(P+1+M)], gradient after it, then g_1..g_M */
    int32_t basis_count;      /* M ≤ NPLM_MAX_BASIS: offset-basis columns of every chunk (0: none) */
    const float *offset_coefficients; /* fit t: c_0..c_M at offset_coefficients[t·(M+1)] (NULL if M = 0 and c_0 = 0) */
    float *scratch;           /* per worker: scratch_floats floats, 64-byte aligned */
    int64_t scratch_floats;
    int32_t general_only;     /* 1: skip the unrolled kernels of common shapes (for tests) */
} nplm_plan;

/** Floats of per-worker scratch a network with M basis columns needs (a multiple of NPLM_LANES). */
int64_t nplm_scratch_floats(int32_t layer_count, const int32_t *widths, int32_t basis_count);

/** Computes item `item` of `plan` with the scratch of worker `worker`. */
void nplm_compute_item(const nplm_plan *plan, int64_t item, int32_t worker);

/* ---- worker pool ---- */

typedef struct nplm_pool nplm_pool;
typedef void (*nplm_task)(const void *context, int64_t item, int32_t worker);

/**
 * A pool of `threads` − 1 persistent worker threads; the caller of `nplm_pool_run` is worker 0.
 * Returns NULL if a thread cannot be started.
 */
nplm_pool *nplm_pool_create(int32_t threads);
void nplm_pool_destroy(nplm_pool *pool);
int32_t nplm_pool_threads(const nplm_pool *pool);

/**
 * Runs task(context, i, worker) for every i in 0 ..< count, spread over the caller and the
 * workers that are awake (each item exactly once, any order), and returns when all are done.
 * Workers wait for the next run by spinning briefly, then sleeping.
 */
void nplm_pool_run(nplm_pool *pool, int64_t count, nplm_task task, const void *context);

/** Runs every item of `plan` on `pool`. */
void nplm_run_plan(nplm_pool *pool, const nplm_plan *plan, int64_t item_count);

/* ---- Gaussian-kernel products of the kernel model (kernel_model.c) ---- */

/** Events per work item of the kernel products (a multiple of NPLM_LANES). */
#define NPLM_KERNEL_BLOCK 1024

/**
 * One pass of K = K_nM (K_im = exp(−γ·‖x_i − c_m‖²), computed on the fly, never stored) over
 * n events and M centres:
 *   u = K·v                       (when v is not NULL; u = 0 otherwise), written to `u` if not NULL;
 *   r = Kᵀ·w,  w = d∘u + a         (when r is not NULL; NULL d or a count as zero).
 * Kernel values are float32 (the shared e^x, from the float γ) or, with double_values, float64
 * (squared distance and e^x in double, from gamma_double); products and sums are double. u_i sums
 * the centres in order in 32 double lanes of events; r sums each block of NPLM_KERNEL_BLOCK events
 * in a fixed tree over 32 lanes, then the blocks in block order: nothing depends on the thread count.
 */
typedef struct {
    const float *x;         /* events, feature-major: feature k of event i at x[k·n + i] */
    int64_t n;
    int32_t dimension;
    const float *centres;   /* feature-major: feature k of centre m at centres[k·M + m] */
    int32_t m;
    float gamma;            /* 1 / (2σ²), for float32 kernel values */
    const double *v, *d, *a;
    double *u, *r;
    double *partials;       /* ceil(n / NPLM_KERNEL_BLOCK) × M doubles when r is not NULL */
    float *scratch;         /* float32 values: per worker M × NPLM_LANES floats (worker w at w·M·NPLM_LANES) */
    nplm_isa isa;
    int32_t double_values;  /* 1: float64 kernel values (gamma_double, scratch_double) */
    double gamma_double;    /* 1 / (2σ²), for float64 kernel values */
    double *scratch_double; /* float64 values: per worker M × NPLM_LANES doubles */
} nplm_kernel_pass;

/** Runs `pass` over the events on `pool` (r is summed after all blocks are done). */
void nplm_kernel_pass_run(nplm_pool *pool, const nplm_kernel_pass *pass);

/* ---- dense linear algebra of the kernel model (dense_algebra.c, LAPACK/BLAS from OpenBLAS) ---- */

/** Upper Cholesky factor of the column-major n × n matrix a in place (TᵀT = a; lower part zeroed).
 *  Returns 0, or the LAPACK info (> 0: not positive definite). */
int32_t nplm_cholesky_upper(double *a, int32_t n);
/** Solves T·x = b (transposed = 0) or Tᵀ·x = b (1) for upper triangular T, b overwritten by x. */
void nplm_triangular_solve(const double *t, int32_t n, double *b, int32_t transposed);
/** c = scale · S·Sᵀ (upper triangle; lower part mirrored) for column-major n × n S. */
void nplm_gram(const double *s, int32_t n, double scale, double *c);

/* ---- exposed for tests ---- */

/** OpenBLAS's thread count once the dense algebra has run (1: every call in one thread). */
int32_t nplm_dense_algebra_threads(void);
/** The kernels OpenBLAS chose for this CPU at load time ("SkylakeX", "Haswell", "Prescott", …). */
const char *nplm_dense_algebra_core(void);

/** e^x for NPLM_LANES floats with the kernel's exp (variant `isa`). */
void nplm_exp_lanes(nplm_isa isa, const float *x, float *y);
/** e^x for NPLM_LANES doubles with the kernel model's float64 e^x (variant `isa`). */
void nplm_exp_double_lanes(nplm_isa isa, const double *x, double *y);
/** log(1 + e^x) for NPLM_LANES floats with the kernel's softplus. */
void nplm_softplus_lanes(nplm_isa isa, const float *x, float *y);

#ifdef __cplusplus
}
#endif

#endif
