/*
 * five_d.c — a hand-written C loop for the 5-D workload of `nplm bench --workloads 5d`, to put the
 * fast CPU engine's general kernel beside plain C compiled by GCC on the same machine.
 *
 *   gcc -O3 -march=native -fno-trapping-math -fopenmp -o five_d tools/cloop/five_d.c -lm
 *   OMP_NUM_THREADS=2 ./five_d --fits 1,16 --repeats 5
 *
 * The workload (as BenchWorkload.fiveD): T fits of the network [5,5,5,5,1] (sigmoid hidden units,
 * linear output, P = 96 parameters), N_R = 100 000 shared reference events with weight
 * a = N(R₀)/N_R (N(R₀) = 20 000), and per fit Poisson(20 000) own data events with b = 1; five
 * independent Exp(1) features per event. One epoch, per fit: the forward pass over all its events,
 * the NPLM loss ℓ = a·(e^f − 1) − b·f and its slope ∂ℓ/∂f = a·e^f − b, the backward pass summing
 * ∂L/∂θ over all events, then Adam (Keras defaults) and weight clipping at 2.16, in double.
 * Everything per event is float32; events are processed in blocks of BLOCK, each layer a loop over
 * the block's events that GCC vectorises; sums over events use `omp simd reduction` (which lets
 * GCC reorder them into vector lanes), block sums are added in double.
 *
 * Arithmetic, stated because it decides the speed:
 * - No -ffast-math. GCC contracts a·b + c into FMA by default (-ffp-contract=fast in GNU C),
 *   divisions are exact IEEE divisions (no approximate reciprocals).
 * - -fno-trapping-math (clang's default, under which nplm's kernels are compiled) changes no
 *   value; without it GCC 12 does not if-convert the clamps of e^x and leaves the σ and loss
 *   loops scalar.
 * - e^x is an inline Cephes-style polynomial (the scheme nplm's kernels use): glibc's vector expf
 *   (libmvec) is only used by GCC under -ffast-math, and a scalar libm call per event would make
 *   this loop several times slower. -DLIBM_EXPF uses expf() from <math.h> instead (pair it with
 *   -Ofast to get libmvec, at the price of fast-math).
 *
 * Output: one line per T, "c-loop 5d T=… N_R=… points/epoch=… s/epoch=… point-epochs/s=…";
 * with --json one JSON object per T (read by `nplm bench --c-loop`).
 * Timing as `nplm bench`: --warmup epochs, then --repeats runs of about --seconds each (or
 * --epochs per run), the median seconds per epoch.
 */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef BLOCK
#define BLOCK 128 /* events per block: 21 activations + 2 × 5 deltas of 128 floats stay in L1 */
#endif
#define CHUNK 2048 /* events per work item spread over the threads */

#define NL 4                                      /* weight layers */
static const int widths[NL + 1] = {5, 5, 5, 5, 1};
#define WIDEST 5
#define NUNITS 21                                 /* Σ widths */
#define P 96                                      /* Σ (n_in + 1)·n_out */

/* ---- e^x ---------------------------------------------------------------------------------- */

#ifdef LIBM_EXPF
static inline float exp_f(float x) { return expf(x); }
#else
/* Cephes expf: n = round(x·log2 e), r = x − n·ln 2 (two parts), e^r by a degree-5 polynomial,
 * times 2^n put into the exponent bits. x clamped to [−88, 88]. About 1 ulp. */
static inline float exp_f(float x) {
    x = x < -88.0f ? -88.0f : x;
    x = x > 88.0f ? 88.0f : x;
    const float shifter = 12582912.0f; /* 1.5·2^23 */
    const float t = x * 1.44269504088896341f + shifter;
    const float n = t - shifter;
    float r = x - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    int32_t ti;
    memcpy(&ti, &t, 4);
    const int32_t si = ((ti - 0x4B400000) + 127) << 23;
    float scale;
    memcpy(&scale, &si, 4);
    return p * scale;
}
#endif

/* ---- the workload ------------------------------------------------------------------------- */

typedef struct {
    const float *x; /* feature k of event i at x[k·stride + i] */
    int stride, start, count;
    float a, b;     /* the same for every event of the segment */
    int fit;
} item;

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double uniform(void) { /* xorshift64*, (0, 1) */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return ((rng_state * 0x2545F4914F6CDD1Dull >> 11) + 0.5) * 0x1.0p-53;
}
static double normal(void) { return sqrt(-2 * log(uniform())) * cos(6.283185307179586 * uniform()); }

static float *exponential_events(int count) {
    float *x = aligned_alloc(64, ((sizeof(float) * 5 * (size_t)count + 63) / 64) * 64);
    for (size_t i = 0; i < 5 * (size_t)count; i++) x[i] = (float)-log(uniform());
    return x;
}

/* ---- one block of events: forward, loss, backward -------------------------------------------- */

/* Adds the block's loss to *loss and its gradient to g[P] (double). */
static void block_pass(const float *restrict w, const item *it, int start, int n, double *loss, double *g) {
    float act[NUNITS][BLOCK] __attribute__((aligned(64)));
    float deltaA[WIDEST][BLOCK] __attribute__((aligned(64))), deltaB[WIDEST][BLOCK] __attribute__((aligned(64)));
    for (int k = 0; k < 5; k++) memcpy(act[k], it->x + (size_t)k * it->stride + start, sizeof(float) * n);

    /* forward: z_j = c_j + Σ_i W_ji·in_i; σ(z) on hidden layers */
    int unit = 0, offset = 0;
    for (int l = 0; l < NL; l++) {
        const int nIn = widths[l], nOut = widths[l + 1];
        const float *W = w + offset, *c = w + offset + nIn * nOut;
        for (int j = 0; j < nOut; j++) {
            float *restrict out = act[unit + nIn + j];
            for (int e = 0; e < n; e++) out[e] = c[j];
            for (int i = 0; i < nIn; i++) {
                const float wji = W[j * nIn + i];
                const float *restrict in = act[unit + i];
                for (int e = 0; e < n; e++) out[e] += wji * in[e];
            }
            if (l < NL - 1)
                for (int e = 0; e < n; e++) out[e] = 1.0f / (1.0f + exp_f(-out[e]));
        }
        unit += nIn;
        offset += (nIn + 1) * nOut;
    }

    /* loss and slope: ℓ = a·(e^f − 1) − b·f, ∂ℓ/∂f = a·e^f − b */
    const float a = it->a, b = it->b;
    const float *restrict f = act[NUNITS - 1];
    float *restrict delta = deltaA[0];
    float sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int e = 0; e < n; e++) {
        const float ae = a * exp_f(f[e]);
        sum += (ae - a) - b * f[e];
        delta[e] = ae - b;
    }
    *loss += sum;

    /* backward: ∂/∂c_j += Σ δ_j, ∂/∂W_ji += Σ δ_j·in_i, then δ_i ← (Σ_j W_ji·δ_j)·σ'(in_i) below */
    float (*dOut)[BLOCK] = deltaA, (*dIn)[BLOCK] = deltaB;
    for (int l = NL - 1; l >= 0; l--) {
        const int nIn = widths[l], nOut = widths[l + 1];
        offset -= (nIn + 1) * nOut;
        unit -= nIn;
        const float *W = w + offset;
        double *gW = g + offset, *gc = g + offset + nIn * nOut;
        for (int j = 0; j < nOut; j++) {
            const float *restrict dj = dOut[j];
            float s = 0;
#pragma omp simd reduction(+ : s)
            for (int e = 0; e < n; e++) s += dj[e];
            gc[j] += s;
            for (int i = 0; i < nIn; i++) {
                const float *restrict in = act[unit + i];
                float t = 0;
#pragma omp simd reduction(+ : t)
                for (int e = 0; e < n; e++) t += dj[e] * in[e];
                gW[j * nIn + i] += t;
            }
        }
        if (l == 0) break;
        for (int i = 0; i < nIn; i++) {
            const float *restrict in = act[unit + i];
            float *restrict below = dIn[i];
            for (int e = 0; e < n; e++) below[e] = W[i] * dOut[0][e];
            for (int j = 1; j < nOut; j++) {
                const float wji = W[j * nIn + i];
                for (int e = 0; e < n; e++) below[e] += wji * dOut[j][e];
            }
            for (int e = 0; e < n; e++) below[e] *= in[e] * (1.0f - in[e]);
        }
        float (*swap)[BLOCK] = dOut;
        dOut = dIn;
        dIn = swap;
    }
}

/* ---- training ----------------------------------------------------------------------------- */

typedef struct {
    int T, threads, itemCount;
    item *items;
    double *theta, *m, *v;     /* T·P each */
    float *wf;                 /* θ in float, per epoch */
    double *loss, *grad;       /* per thread: T and T·P */
    int step;
} trainer;

static void epoch(trainer *tr) {
    const int T = tr->T;
    for (int k = 0; k < T * P; k++) tr->wf[k] = (float)tr->theta[k];
    memset(tr->loss, 0, sizeof(double) * T * tr->threads);
    memset(tr->grad, 0, sizeof(double) * T * P * tr->threads);
#pragma omp parallel num_threads(tr->threads)
    {
        const int id = omp_get_thread_num();
        double *loss = tr->loss + (size_t)id * T, *grad = tr->grad + (size_t)id * T * P;
#pragma omp for schedule(dynamic)
        for (int k = 0; k < tr->itemCount; k++) {
            const item *it = tr->items + k;
            for (int s = it->start; s < it->start + it->count; s += BLOCK) {
                const int n = it->start + it->count - s < BLOCK ? it->start + it->count - s : BLOCK;
                block_pass(tr->wf + (size_t)it->fit * P, it, s, n, loss + it->fit, grad + (size_t)it->fit * P);
            }
        }
    }
    /* Adam (Keras: lr 1e-3, β₁ 0.9, β₂ 0.999, ε 1e-7), then weights (not biases) clipped at 2.16 */
    tr->step++;
    const double lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-7;
    const double alpha = lr * sqrt(1 - pow(b2, tr->step)) / (1 - pow(b1, tr->step));
    for (int t = 0; t < T; t++) {
        double g[P] = {0};
        for (int id = 0; id < tr->threads; id++)
            for (int q = 0; q < P; q++) g[q] += tr->grad[((size_t)id * T + t) * P + q];
        double *theta = tr->theta + (size_t)t * P, *m = tr->m + (size_t)t * P, *v = tr->v + (size_t)t * P;
        int offset = 0;
        for (int l = 0; l < NL; l++) {
            const int nIn = widths[l], nOut = widths[l + 1];
            for (int q = offset; q < offset + (nIn + 1) * nOut; q++) {
                m[q] = b1 * m[q] + (1 - b1) * g[q];
                v[q] = b2 * v[q] + (1 - b2) * g[q] * g[q];
                theta[q] -= alpha * m[q] / (sqrt(v[q]) + eps);
                if (q < offset + nIn * nOut) theta[q] = fmin(fmax(theta[q], -2.16), 2.16);
            }
            offset += (nIn + 1) * nOut;
        }
    }
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double cpu_time(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int compare(const void *x, const void *y) {
    const double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static int parse_list(const char *text, int *values, int max) {
    int n = 0;
    for (const char *p = text; *p && n < max;) {
        values[n++] = atoi(p);
        while (*p && *p != ',') p++;
        if (*p == ',') p++;
    }
    return n;
}

int main(int argc, char **argv) {
    int fits[16] = {1, 16, 64}, fitCount = 3;
    int threads = omp_get_max_threads(), warmup = 3, epochs = 0, repeats = 3, referenceSize = 100000, json = 0;
    double seconds = 1;
    for (int k = 1; k < argc; k++) {
        const char *o = argv[k], *value = k + 1 < argc ? argv[k + 1] : "";
        if (!strcmp(o, "--json")) { json = 1; continue; }
        if (!strcmp(o, "--fits")) fitCount = parse_list(value, fits, 16);
        else if (!strcmp(o, "--threads")) threads = atoi(value);
        else if (!strcmp(o, "--warmup")) warmup = atoi(value);
        else if (!strcmp(o, "--epochs")) epochs = atoi(value);
        else if (!strcmp(o, "--repeats")) repeats = atoi(value);
        else if (!strcmp(o, "--seconds")) seconds = atof(value);
        else if (!strcmp(o, "--reference-size")) referenceSize = atoi(value);
        else {
            fprintf(stderr, "usage: %s [--fits 1,16,64] [--threads N] [--warmup 3] [--epochs 0] [--repeats 3] "
                            "[--seconds 1] [--reference-size 100000] [--json]\n", argv[0]);
            return 2;
        }
        k++;
    }
    if (fitCount < 1 || threads < 1 || repeats < 1 || repeats > 99 || referenceSize < 1 || seconds <= 0) {
        fprintf(stderr, "%s: every option must be positive (repeats at most 99)\n", argv[0]);
        return 2;
    }
    const double expected = 20000;
    float *reference = exponential_events(referenceSize);
    for (int f = 0; f < fitCount; f++) {
        const int T = fits[f];
        if (T < 1) { fprintf(stderr, "%s: --fits must be positive\n", argv[0]); return 2; }
        trainer tr = {.T = T, .threads = threads};
        /* items: every fit's reference chunks, then its own data chunks */
        int *dataCount = malloc(sizeof(int) * T);
        float **data = malloc(sizeof(float *) * T);
        long points = 0;
        tr.itemCount = 0;
        for (int t = 0; t < T; t++) {
            dataCount[t] = (int)lround(expected + sqrt(expected) * normal()); /* Poisson(20 000) ≈ normal */
            data[t] = exponential_events(dataCount[t]);
            points += referenceSize + dataCount[t];
            tr.itemCount += (referenceSize + CHUNK - 1) / CHUNK + (dataCount[t] + CHUNK - 1) / CHUNK;
        }
        tr.items = malloc(sizeof(item) * tr.itemCount);
        int n = 0;
        for (int t = 0; t < T; t++) {
            for (int s = 0; s < referenceSize; s += CHUNK)
                tr.items[n++] = (item){reference, referenceSize, s, referenceSize - s < CHUNK ? referenceSize - s : CHUNK,
                                       (float)(expected / referenceSize), 0.0f, t};
            for (int s = 0; s < dataCount[t]; s += CHUNK)
                tr.items[n++] = (item){data[t], dataCount[t], s, dataCount[t] - s < CHUNK ? dataCount[t] - s : CHUNK,
                                       0.0f, 1.0f, t};
        }
        tr.theta = calloc((size_t)T * P, sizeof(double));
        tr.m = calloc((size_t)T * P, sizeof(double));
        tr.v = calloc((size_t)T * P, sizeof(double));
        tr.wf = calloc((size_t)T * P, sizeof(float));
        tr.loss = calloc((size_t)T * threads, sizeof(double));
        tr.grad = calloc((size_t)T * P * threads, sizeof(double));
        for (int t = 0; t < T; t++) { /* Glorot uniform weights, zero biases */
            int offset = 0;
            for (int l = 0; l < NL; l++) {
                const int nIn = widths[l], nOut = widths[l + 1];
                const double scale = sqrt(6.0 / (nIn + nOut));
                for (int q = 0; q < nIn * nOut; q++) tr.theta[(size_t)t * P + offset + q] = scale * (2 * uniform() - 1);
                offset += (nIn + 1) * nOut;
            }
        }
        for (int k = 0; k < warmup; k++) epoch(&tr);
        int perRun = epochs;
        if (perRun <= 0) {
            const double start = now();
            epoch(&tr);
            perRun = (int)(seconds / fmax(now() - start, 1e-9));
            if (perRun < 1) perRun = 1;
        }
        double times[99];
        const double cpuStart = cpu_time(), wallStart = now();
        for (int r = 0; r < repeats; r++) {
            const double start = now();
            for (int k = 0; k < perRun; k++) epoch(&tr);
            times[r] = (now() - start) / perRun;
        }
        /* process CPU time over wall time: near the thread count on a quiet machine */
        const double utilization = (cpu_time() - cpuStart) / fmax(now() - wallStart, 1e-9);
        double sorted[99];
        memcpy(sorted, times, sizeof(double) * repeats);
        qsort(sorted, repeats, sizeof(double), compare);
        const double median = repeats % 2 ? sorted[repeats / 2] : 0.5 * (sorted[repeats / 2 - 1] + sorted[repeats / 2]);
        double lossSum = 0; /* printed so that the work cannot be optimised away */
        for (int k = 0; k < T * threads; k++) lossSum += tr.loss[k];
        if (json) {
            printf("{\"fits\":%d,\"referenceEvents\":%d,\"pointsPerEpoch\":%ld,\"threads\":%d,\"epochs\":%d,\"repeats\":%d,"
                   "\"secondsPerEpoch\":%.6e,\"pointEpochsPerSecond\":%.6e,\"cpuUtilization\":%.4f,\"runs\":[",
                   T, referenceSize, points, threads, perRun, repeats, median, points / median, utilization);
            for (int r = 0; r < repeats; r++) printf("%s%.6e", r ? "," : "", times[r]);
            printf("],\"lastLoss\":%.9g}\n", lossSum);
        } else {
            printf("c-loop 5d T=%d N_R=%d threads=%d points/epoch=%ld s/epoch=%.3e point-epochs/s=%.3e cpu use %.0f%% (%d×%d epochs, loss %.6g)\n",
                   T, referenceSize, threads, points, median, points / median, 100 * utilization, repeats, perRun, lossSum);
        }
        fflush(stdout);
        for (int t = 0; t < T; t++) free(data[t]);
        free(data); free(dataCount); free(tr.items); free(tr.theta); free(tr.m); free(tr.v); free(tr.wf);
        free(tr.loss); free(tr.grad);
    }
    free(reference);
    return 0;
}
