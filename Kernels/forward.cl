// forward.cl — f at every event of one event set for every fit: the learned log-ratio.
//
// Events feature-major, padded to a multiple of VW: feature k of event i at x[k·stride + i].
// Grid: (stride / VW, T); out[fit·stride + i] = f_fit(x_i).

/// One event vector per work-item (FWD, common.cl).
#define NV 1

__kernel void forward(__global const float *restrict x,
                      const int stride,
                      __global const float *restrict parameters,
                      __global float *restrict out) {
    const int i = get_global_id(0) * VW;
    const int fit = get_global_id(1);
    if (i >= stride) return;
    float w[NPARAM];
    for (int k = 0; k < NPARAM; ++k) w[k] = parameters[fit * NPARAM + k];
    floatv act[NV][NUNITS];
    for (int k = 0; k < NINPUT; ++k) act[0][k] = VLOAD(x + k * stride, i);
    FORWARD_LAYERS
    VSTORE(act[0][NUNITS - 1], out + (long)fit * stride, i);
}
