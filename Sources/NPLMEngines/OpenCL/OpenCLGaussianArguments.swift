/// The arguments of the kernels of `Kernels/gaussian_products.cl` (the kernel model's products),
/// each type beside the kernel's signature, as OpenCLKernelArguments.swift does for the network
/// kernels: the one place that knows their argument positions.

/// gaussian_products.cl:
///
///     gaussian_apply(const float *shared_x, const int shared_stride, const float *own_x,
///                    const float *centres, const int *fits, const kval_t *gamma, const int *active,
///                    const val_t *v, val_t *out)
struct GaussianApplyArguments: OpenCLKernelArguments {
    static let kernelName = "gaussian_apply"
    /// The shared reference events, feature-major, each feature padded to `sharedStride`.
    var sharedEvents: OpenCLBuffer
    var sharedStride: Int32
    /// Every test's data events and centres (`OpenCLKernelFitLayout`).
    var ownEvents, centres: OpenCLBuffer
    /// NDESC ints per fit.
    var fits: OpenCLBuffer
    /// γ = 1/(2σ²) per fit.
    var gamma: OpenCLBuffer
    /// The fits of this launch (the grid's second dimension).
    var active: OpenCLBuffer
    /// Centre vectors (the coefficients).
    var v: OpenCLBuffer
    var out: OpenCLBuffer

    var list: [OpenCLKernel.Argument] {
        [.buffer(sharedEvents), .int32(sharedStride), .buffer(ownEvents), .buffer(centres), .buffer(fits), .buffer(gamma),
         .buffer(active), .buffer(v), .buffer(out)]
    }
}

/// gaussian_products.cl:
///
///     gaussian_transpose(const float *shared_x, const int shared_stride, const float *own_x,
///                        const float *centres, const int *fits, const kval_t *gamma,
///                        const int *active, const val_t *w, acc_t *partial)
struct GaussianTransposeArguments: OpenCLKernelArguments {
    static let kernelName = "gaussian_transpose"
    var sharedEvents: OpenCLBuffer
    var sharedStride: Int32
    var ownEvents, centres, fits, gamma, active: OpenCLBuffer
    /// Event vectors w.
    var w: OpenCLBuffer
    /// Per fit and chunk, one sum per centre.
    var partial: OpenCLBuffer

    var list: [OpenCLKernel.Argument] {
        [.buffer(sharedEvents), .int32(sharedStride), .buffer(ownEvents), .buffer(centres), .buffer(fits), .buffer(gamma),
         .buffer(active), .buffer(w), .buffer(partial)]
    }
}

/// gaussian_products.cl:
///
///     gaussian_combine(const acc_t *partial, const int *fits, const int *active,
///                      const int shared_stride, acc_t *r)
struct GaussianCombineArguments: OpenCLKernelArguments {
    static let kernelName = "gaussian_combine"
    var partial, fits, active: OpenCLBuffer
    var sharedStride: Int32
    /// Kᵀ·w per fit at its centre offset.
    var r: OpenCLBuffer

    var list: [OpenCLKernel.Argument] {
        [.buffer(partial), .buffer(fits), .buffer(active), .int32(sharedStride), .buffer(r)]
    }
}

/// gaussian_products.cl:
///
///     gaussian_curvature(const float *shared_x, const int shared_stride, const float *own_x,
///                        const float *centres, const int *fits, const kval_t *gamma,
///                        const int *active, const val_t *v, const val_t *d, const int groups,
///                        const int slab_values, kval_t *scratch, acc_t *partial)
struct GaussianCurvatureArguments: OpenCLKernelArguments {
    static let kernelName = "gaussian_curvature"
    var sharedEvents: OpenCLBuffer
    var sharedStride: Int32
    var ownEvents, centres, fits, gamma, active: OpenCLBuffer
    /// Centre vectors v and event weights d.
    var v, d: OpenCLBuffer
    /// Work-groups per fit (the grid's second dimension) and kernel values per slab.
    var groups, slabValues: Int32
    /// One slab per fit of the launch and work-group.
    var scratch: OpenCLBuffer
    /// Per fit and chunk, one sum per centre (as gaussian_transpose's).
    var partial: OpenCLBuffer

    var list: [OpenCLKernel.Argument] {
        [.buffer(sharedEvents), .int32(sharedStride), .buffer(ownEvents), .buffer(centres), .buffer(fits), .buffer(gamma),
         .buffer(active), .buffer(v), .buffer(d), .int32(groups), .int32(slabValues), .buffer(scratch), .buffer(partial)]
    }
}
