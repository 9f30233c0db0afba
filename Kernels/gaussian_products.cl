// gaussian_products.cl — the Gaussian-kernel products of the kernel model, batched over fits.
//
// The kernel model of Letizia et al. ("Learning new physics efficiently with nonparametric
// methods") fits f(x) = Σ_m c_m k(x, x̃_m), k = exp(−γ‖x − x̃‖²), γ = 1/(2σ²), with the
// Falkon solver (Meanti et al., "Kernel methods through the roof"), which sees the events only
// through K_nM·v and K_nMᵀ·w. Both are computed here on the fly, tile by tile: K_nM (n × M) is
// never stored. One launch serves every fit of a batch; a fit is a (test, width) pair, and the
// fit is a grid dimension (the last one), chosen through the list `active` of fits to compute
// (the conjugate gradients of a batch converge at different iterations).
//
// Program: common.cl (floatv, VLOAD/VSTORE, acc_t, acc_merge) + this file.
// Build options (-D, OpenCLKernelVariant in Sources/NPLMEngines/OpenCL/OpenCLKernelProducts.swift):
//   VW        events (gaussian_apply) or centres (gaussian_transpose) per work-item, consecutive,
//             in explicit floatVW vectors: 16 on CPU devices (PoCL), 1 on GPUs (coalesced).
//   WG        work-items per work-group (a power of two).
//   TILE      centres (apply) or events (transpose) staged per step in local memory, loaded by
//             the work-group together (consecutive work-items, consecutive addresses).
//   CHUNK     events per partial sum of gaussian_transpose (a multiple of TILE).
//   KDIM      features per event.
//   USE_FP64  1: products k·v and every sum in double. 0: products in float, sums in
//             compensated float pairs (Knuth two-sum), the host adding the pair in Double.
//   KERNEL_FP64  1 (needs USE_FP64): every kernel value in double — the squared distance from the
//             float features and exp in double, γ a double — as the solver needs where its jitter
//             is Falkon's float64 one (FalkonNewtonSolver). 0: float kernel values from a float γ.
//   CPARTS    gaussian_curvature: work-items sharing one event's centres (WG a multiple of it).
//   EPI       gaussian_curvature: events per work-item and step; a step holds STEP = EPI·WG/CPARTS
//             events (CPU: one work-item, 16 events; GPU: one event per work-item).
//
// Layouts (all feature-major, every segment padded with zero events to a multiple of VW·WG):
//   shared_x   the shared reference events of every test: feature k of event e at k·shared_stride + e.
//   own_x      every test's own (data) events, one segment per test.
//   centres    every test's centres, one segment per test, its stride a multiple of VW·WG.
//   A fit's pooled events are indexed e = 0 … shared_stride + own_stride − 1: the shared events,
//   then its test's own events. Its event vectors (d, w, out) start at event_offset, its centre
//   vectors (v, r) at centre_offset, its partial sums at partial_offset + chunk·centre_stride.
//   Padding events and centres have zero features and zero vector entries, so they add exact zeros.
// Fit descriptor (NDESC ints per fit, the Swift `OpenCLKernelFitLayout.descriptor`):
//   own_segment, own_stride, centre_segment, centre_stride, centre_count, event_offset,
//   centre_offset, partial_offset.
//
// Every sum runs in a fixed order (centres in order per event; events in order per chunk, chunks in
// order per centre): no atomics, two runs agree bit for bit, and a fit's result does not depend
// on the other fits of its launch.

#ifndef TILE
#define TILE 64
#endif
#ifndef CHUNK
#define CHUNK 1024
#endif
#ifndef KDIM
#define KDIM 1
#endif
#ifndef KERNEL_FP64
#define KERNEL_FP64 0
#endif
#ifndef CPARTS
#define CPARTS 1
#endif
#ifndef EPI
#define EPI 1
#endif
#define STEP (EPI * (WG / CPARTS))
#if KERNEL_FP64 && !USE_FP64
#error "KERNEL_FP64 needs USE_FP64"
#endif
#define NDESC 8

// A fit's descriptor (the layout above), read once per work-item.
typedef struct {
    int own_segment, own_stride, centre_segment, centre_stride, centre_count, event_offset, centre_offset, partial_offset;
} fit_descriptor;

inline fit_descriptor read_descriptor(__global const int *fits, int fit) {
    __global const int *d = fits + NDESC * fit;
    fit_descriptor f = { d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] };
    return f;
}

#if USE_FP64
typedef double val_t;
#if VW == 1
typedef double doublev;
#define TO_DOUBLEV(x) ((double)(x))
#else
typedef NPLM_CAT(double, VW) doublev;
#define TO_DOUBLEV(x) NPLM_CAT(convert_double, VW)(x)
#endif
#else
typedef float val_t;
#endif

// Kernel values: kval_t per value (and γ), kvec per VW lanes; TO_KVEC converts float lanes.
#if KERNEL_FP64
typedef double kval_t;
typedef doublev kvec;
#define TO_KVEC(x) TO_DOUBLEV(x)
#else
typedef float kval_t;
typedef floatv kvec;
#define TO_KVEC(x) (x)
#endif

/// VW values of val_t.
#if USE_FP64
typedef doublev valv;
#else
typedef floatv valv;
#endif

/// A sum per lane: double, or a compensated (sum, error) pair of float vectors.
typedef struct {
#if USE_FP64
    doublev s;
#else
    floatv s, c;
#endif
} lane_sum;

inline lane_sum lane_zero(void) {
    lane_sum a;
#if USE_FP64
    a.s = (doublev)(0.0);
#else
    a.s = (floatv)(0.0f);
    a.c = (floatv)(0.0f);
#endif
    return a;
}

/// a + k·v lane by lane, v a vector of VW values (the product in double, or in float then
/// two-sum).
inline lane_sum lane_add_each(lane_sum a, kvec k, valv v) {
#if USE_FP64
    a.s += TO_DOUBLEV(k) * v;
#else
    const floatv p = k * v;
    const floatv t = a.s + p;
    const floatv bp = t - a.s;
    a.c += (a.s - (t - bp)) + (p - bp);
    a.s = t;
#endif
    return a;
}

/// a + k·v per lane, v one value.
inline lane_sum lane_add(lane_sum a, kvec k, val_t v) { return lane_add_each(a, k, (valv)(v)); }

/// Stores the VW lanes of a at out[i …] as accumulators (acc_t).
inline void lane_store(lane_sum a, __global acc_t *out, int i) {
#if USE_FP64
    VSTORE(a.s, out, i);
#else
    float s[VW], c[VW];
#if VW == 1
    s[0] = a.s;
    c[0] = a.c;
#else
    VSTORE(a.s, s, 0);
    VSTORE(a.c, c, 0);
#endif
    for (int l = 0; l < VW; ++l) out[i + l] = (float2)(s[l], c[l]);
#endif
}

/// Feature k of pooled event e (VW consecutive events) of a fit, zero past `events`.
inline floatv event_features(__global const float *shared_x, int shared_stride, __global const float *own_x,
                             int own_segment, int own_stride, int k, int e) {
    if (e < shared_stride) return VLOAD(shared_x + k * shared_stride, e);
    if (e < shared_stride + own_stride) return VLOAD(own_x + own_segment + k * own_stride, e - shared_stride);
    return (floatv)(0.0f);
}

inline float event_feature(__global const float *shared_x, int shared_stride, __global const float *own_x,
                           int own_segment, int own_stride, int k, int e) {
    if (e < shared_stride) return shared_x[k * shared_stride + e];
    if (e < shared_stride + own_stride) return own_x[own_segment + k * own_stride + e - shared_stride];
    return 0.0f;
}

/// a + Σ_{j < count} exp(g·‖p − q_j‖²)·weight_j, j in order, for the VW points p (one side: events
/// or centres) against the first `count` points q_j of a local-memory tile of the other side
/// (feature k of q_j at tile[k·TILE + j]); g = −γ. In kval_t (double with KERNEL_FP64).
inline lane_sum tile_sum(lane_sum a, const kvec *p, __local const float *tile, __local const val_t *weight, int count,
                         kval_t g) {
    for (int j = 0; j < count; ++j) {
        kvec distance = (kvec)((kval_t)0);
        for (int k = 0; k < KDIM; ++k) {
            const kvec diff = p[k] - (kval_t)tile[k * TILE + j];
            distance += diff * diff;
        }
        a = lane_add(a, exp(g * distance), weight[j]);
    }
    return a;
}

// ---------------------------------------------------------------------------------------------
// out_e = Σ_m k(x_e, x̃_m) v_m: K_nM·v (f at the events). Grid (⌈events / VW⌉ rounded up to WG,
// active fits); work-item l of a group owns VW consecutive events and walks the centres in order,
// TILE at a time from local memory.
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void gaussian_apply(__global const float *restrict shared_x,
                    const int shared_stride,
                    __global const float *restrict own_x,
                    __global const float *restrict centres,
                    __global const int *restrict fits,
                    __global const kval_t *restrict gamma,
                    __global const int *restrict active,
                    __global const val_t *restrict v,
                    __global val_t *restrict out) {
    const int fit = active[get_global_id(1)];
    const fit_descriptor f = read_descriptor(fits, fit);
    const int lid = get_local_id(0);
    const int e = get_global_id(0) * VW;
    const int events = shared_stride + f.own_stride;
    const kval_t g = -gamma[fit];

    kvec x[KDIM];
    for (int k = 0; k < KDIM; ++k) x[k] = TO_KVEC(event_features(shared_x, shared_stride, own_x, f.own_segment, f.own_stride, k, e));

    __local float tile_centres[KDIM * TILE];
    __local val_t tile_v[TILE];
    lane_sum u = lane_zero();
    for (int base = 0; base < f.centre_count; base += TILE) {
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int j = lid; j < TILE; j += WG) {
            const int m = base + j;
            const bool in = m < f.centre_count;
            for (int k = 0; k < KDIM; ++k) tile_centres[k * TILE + j] = in ? centres[f.centre_segment + k * f.centre_stride + m] : 0.0f;
            tile_v[j] = in ? v[f.centre_offset + m] : (val_t)0;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        u = tile_sum(u, x, tile_centres, tile_v, min(TILE, f.centre_count - base), g);
    }
    if (e >= events) return;
#if USE_FP64
    doublev result = u.s;
#else
    floatv result = u.s + u.c;
#endif
    VSTORE(result, out + f.event_offset, e);
}

// ---------------------------------------------------------------------------------------------
// partial[partial_offset + chunk·centre_stride + m] = Σ_{e in chunk} k(x_e, x̃_m) w_e: K_nMᵀ·w
// over one CHUNK of a fit's pooled events. Grid (centre_stride / VW rounded up to WG, chunks,
// active fits), local (WG, 1, 1); work-item l owns VW consecutive centres and walks the chunk's
// events in order, TILE at a time from local memory.
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void gaussian_transpose(__global const float *restrict shared_x,
                        const int shared_stride,
                        __global const float *restrict own_x,
                        __global const float *restrict centres,
                        __global const int *restrict fits,
                        __global const kval_t *restrict gamma,
                        __global const int *restrict active,
                        __global const val_t *restrict w,
                        __global acc_t *restrict partial) {
    const int fit = active[get_global_id(2)];
    const fit_descriptor f = read_descriptor(fits, fit);
    const int chunk = get_global_id(1);
    const int events = shared_stride + f.own_stride;
    const int first = chunk * CHUNK;
    if (first >= events) return;   // the whole work-group: chunk and fit are the group's
    const int last = min(first + CHUNK, events);
    const int lid = get_local_id(0);
    const int m = get_global_id(0) * VW;
    const bool live = m < f.centre_stride;
    const kval_t g = -gamma[fit];

    kvec c[KDIM];
    for (int k = 0; k < KDIM; ++k) c[k] = TO_KVEC(live ? VLOAD(centres + f.centre_segment + k * f.centre_stride, m) : (floatv)(0.0f));

    __local float tile_x[KDIM * TILE];
    __local val_t tile_w[TILE];
    lane_sum r = lane_zero();
    for (int base = first; base < last; base += TILE) {
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int j = lid; j < TILE; j += WG) {
            const int e = base + j;
            const bool in = e < last;
            for (int k = 0; k < KDIM; ++k)
                tile_x[k * TILE + j] = in ? event_feature(shared_x, shared_stride, own_x, f.own_segment, f.own_stride, k, e) : 0.0f;
            tile_w[j] = in ? w[f.event_offset + e] : (val_t)0;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        r = tile_sum(r, c, tile_x, tile_w, min(TILE, last - base), g);
    }
    if (live) lane_store(r, partial + f.partial_offset + chunk * f.centre_stride, m);
}

// r[centre_offset + m] = Σ_chunks partial, chunks in order. Grid (centres rounded up, active fits).
__kernel void gaussian_combine(__global const acc_t *restrict partial,
                               __global const int *restrict fits,
                               __global const int *restrict active,
                               const int shared_stride,
                               __global acc_t *restrict r) {
    const int fit = active[get_global_id(1)];
    const fit_descriptor f = read_descriptor(fits, fit);
    const int m = get_global_id(0);
    if (m >= f.centre_stride) return;
    const int chunks = (shared_stride + f.own_stride + CHUNK - 1) / CHUNK;
    acc_t sum = ACC_ZERO;
    for (int chunk = 0; chunk < chunks; ++chunk) sum = acc_merge(sum, partial[f.partial_offset + chunk * f.centre_stride + m]);
    r[f.centre_offset + m] = sum;
}

/// The VW lanes of a at out[i …] as a lane_sum (the inverse of lane_store).
inline lane_sum lane_load(__global const acc_t *out, int i) {
    lane_sum a;
#if USE_FP64
    a.s = VLOAD(out, i);
#else
    float s[VW], c[VW];
    for (int l = 0; l < VW; ++l) {
        s[l] = out[i + l].x;
        c[l] = out[i + l].y;
    }
#if VW == 1
    a.s = s[0];
    a.c = c[0];
#else
    a.s = VLOAD(s, 0);
    a.c = VLOAD(c, 0);
#endif
#endif
    return a;
}

/// Σ of the VW lanes of a (s + c for compensated pairs), added in a fixed tree: halves lane by lane.
inline val_t lane_total(lane_sum a) {
#if USE_FP64
    const doublev x = a.s;
#else
    const floatv x = a.s + a.c;
#endif
#if VW == 1
    return x;
#else
    val_t h[VW];
    VSTORE(x, h, 0);
    for (int width = VW / 2; width >= 1; width /= 2)
        for (int l = 0; l < width; ++l) h[l] += h[l + width];
    return h[0];
#endif
}

// ---------------------------------------------------------------------------------------------
// The Newton matrix's product Kᵀ(d ∘ K·v) in one pass over K_nM, each kernel value computed once
// (as the fast CPU engine): partial[partial_offset + chunk·centre_stride + m] =
// Σ_{e in chunk} k(x_e, x̃_m) d_e Σ_m' k(x_e, x̃_m') v_m'. Grid (WG, groups, active fits), local
// (WG, 1, 1); group g of a fit takes chunks g, g + groups, … and walks each STEP events at a time,
// the lanes of a vector being VW consecutive centres:
//   1. work-item (ep, cp) = (lid / CPARTS, lid mod CPARTS) computes k for its EPI events of the
//      step and the centre vectors q ≡ cp (mod CPARTS), keeps them in its group's slab of
//      `scratch` (slab[j·centre_stride + m] for event j of the step) and sums k·v per event;
//   2. w_j = d_j · (the CPARTS sums of event j, in order), in local memory;
//   3. work-item l adds Σ_j slab[j·centre_stride + m]·w_j (events in order) to the centre
//      vectors q ≡ l (mod WG) of the chunk's partial sums.
// Consecutive work-items write and read consecutive centres (coalesced on GPUs). A chunk's sums
// depend neither on `groups` nor on the other fits of the launch; with gaussian_combine the
// result is the same bits run after run.
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void gaussian_curvature(__global const float *restrict shared_x,
                        const int shared_stride,
                        __global const float *restrict own_x,
                        __global const float *restrict centres,
                        __global const int *restrict fits,
                        __global const kval_t *restrict gamma,
                        __global const int *restrict active,
                        __global const val_t *restrict v,
                        __global const val_t *restrict d,
                        const int groups,
                        const int slab_values,
                        __global kval_t *restrict scratch,
                        __global acc_t *restrict partial) {
    const int fit = active[get_group_id(2)];
    const fit_descriptor f = read_descriptor(fits, fit);
    const int lid = get_local_id(0);
    const int ep = lid / CPARTS, cp = lid % CPARTS;
    const int events = shared_stride + f.own_stride;
    const int chunks = (events + CHUNK - 1) / CHUNK;
    const int blocks = f.centre_stride / VW;   // whole vectors: the stride is a multiple of VW·WG
    const kval_t g = -gamma[fit];
    __global kval_t *slab = scratch + (long)(get_group_id(2) * groups + get_group_id(1)) * slab_values;

    __local val_t dots[CPARTS * STEP];
    __local val_t weight[STEP];
    for (int chunk = get_group_id(1); chunk < chunks; chunk += groups) {
        const int first = chunk * CHUNK, last = min(first + CHUNK, events);
        __global acc_t *out = partial + f.partial_offset + chunk * f.centre_stride;
        for (int m = lid; m < f.centre_stride; m += WG) out[m] = ACC_ZERO;
        for (int base = first; base < last; base += STEP) {
            // 1. this work-item's events of the step against its share of the centres
            for (int i = 0; i < EPI; ++i) {
                const int j = ep * EPI + i;
                kval_t x[KDIM];
                for (int k = 0; k < KDIM; ++k)
                    x[k] = (kval_t)event_feature(shared_x, shared_stride, own_x, f.own_segment, f.own_stride, k, base + j);
                lane_sum u = lane_zero();
                for (int q = cp; q < blocks; q += CPARTS) {
                    kvec distance = (kvec)((kval_t)0);
                    for (int k = 0; k < KDIM; ++k) {
                        const kvec diff = x[k] - TO_KVEC(VLOAD(centres + f.centre_segment + k * f.centre_stride, q * VW));
                        distance += diff * diff;
                    }
                    const kvec kv = exp(g * distance);
                    VSTORE(kv, slab, j * f.centre_stride + q * VW);
                    u = lane_add_each(u, kv, VLOAD(v + f.centre_offset, q * VW));
                }
                dots[cp * STEP + j] = lane_total(u);
            }
            barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
            // 2. w_j = d_j · (the CPARTS sums in order); zero past the chunk
            for (int j = lid; j < STEP; j += WG) {
                val_t s = dots[j];
                for (int c = 1; c < CPARTS; ++c) s += dots[c * STEP + j];
                weight[j] = base + j < last ? s * d[f.event_offset + base + j] : (val_t)0;
            }
            barrier(CLK_LOCAL_MEM_FENCE);
            // 3. this work-item's centre vectors: Σ_j k·w_j over the step's events, in order
            for (int q = lid; q < blocks; q += WG) {
                lane_sum r = lane_load(out, q * VW);
                for (int j = 0; j < STEP; ++j) r = lane_add(r, VLOAD(slab, j * f.centre_stride + q * VW), weight[j]);
                lane_store(r, out, q * VW);
            }
            barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
        }
    }
}
