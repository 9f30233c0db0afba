// adam.cl — one Adam step and clipping per fit, on the device, equal to the host path.
//
// Exactly the operations of Adam.update and WeightClipping.clamp (Sources/NPLMCore/Training/Adam.swift)
// in double, in the same order, with contraction into fma forbidden, so that the result equals
// HostTrainingLoop bit for bit given the same loss and gradient:
//   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g·g,   θ ← θ − α_s·m / (√v + ε)
// with α_s = Adam.stepSize(step:) computed on the host. A fit whose loss is non-finite is marked
// diverged at this epoch (diverged[fit] = epoch) and takes no more steps; diverged[fit] < 0: healthy.
// One work-item per fit; also writes the float32 copy of θ the loss kernel reads.

#if USE_FP64
#pragma OPENCL FP_CONTRACT OFF

__kernel void adam_step(__global double *restrict theta,
                        __global double *restrict first_moment,
                        __global double *restrict second_moment,
                        __global float *restrict parameters,
                        __global const double *restrict loss_gradient,
                        __global int *restrict diverged,
                        __global const uchar *restrict clip_mask,
                        const int fits,
                        const int epoch,
                        const double alpha,
                        const double beta1,
                        const double beta2,
                        const double epsilon,
                        const int clip,
                        const double bound) {
    const int fit = get_global_id(0);
    if (fit >= fits || diverged[fit] >= 0) return;
    __global const double *lg = loss_gradient + (long)fit * NVALUES;
    if (!isfinite(lg[0])) {
        diverged[fit] = epoch;
        return;
    }
    for (int k = 0; k < NPARAM; ++k) {
        const long index = (long)fit * NPARAM + k;
        const double grad = lg[1 + k];
        const double m = beta1 * first_moment[index] + (1 - beta1) * grad;
        const double v = beta2 * second_moment[index] + (1 - beta2) * grad * grad;
        double value = theta[index] - alpha * m / (sqrt(v) + epsilon);
        if (clip && clip_mask[k]) {
            // Swift's min(max(value, −W), W): max(x, y) = y >= x ? y : x, min(x, y) = y < x ? y : x.
            value = -bound >= value ? -bound : value;
            value = bound < value ? bound : value;
        }
        first_moment[index] = m;
        second_moment[index] = v;
        theta[index] = value;
        parameters[index] = (float)value;
    }
}
#endif
