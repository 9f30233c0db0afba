/// The arguments of every kernel of `Kernels/*.cl`, each type beside the kernel's signature (quoted
/// from the .cl file): the one place that knows argument positions. A launch builds the value and
/// binds all of it at once with `OpenCLKernel.bind`, which checks the kernel's name and argument
/// count; a kernel whose signature changes needs its type here changed the same way.
protocol OpenCLKernelArguments {
    /// The `__kernel` function these arguments are for.
    static var kernelName: String { get }
    /// The arguments in the order of the signature.
    var list: [OpenCLKernel.Argument] { get }
}

/// loss.cl:
///
///     loss_gradient(const float *x, const float *a, const float *b, const float *o,
///                   const int *chunks, const float *parameters, acc_t *partial,
///                   const float *shared_x, const float *shared_a, const float *shared_b, const float *shared_o,
///                   const float *basis, const float *shared_basis, const float *coefficients)
struct LossGradientArguments: OpenCLKernelArguments {
    static let kernelName = "loss_gradient"
    /// Every fit's own events and terms (OpenCLBatchLayout.own).
    var x, a, b, o: OpenCLBuffer
    /// Eight ints per chunk (OpenCLBatchLayout.chunks).
    var chunks: OpenCLBuffer
    /// T×P float32 parameters.
    var parameters: OpenCLBuffer
    /// Per chunk P + 1 + M accumulated sums.
    var partial: OpenCLBuffer
    /// The shared events and terms (OpenCLSession).
    var sharedX, sharedA, sharedB, sharedO: OpenCLBuffer
    /// The offset basis of the own and of the shared terms (read only when M > 0).
    var basis, sharedBasis: OpenCLBuffer
    /// T×M float32 coefficients c_{t,1…M} of the basis (read only when M > 0).
    var coefficients: OpenCLBuffer

    var list: [OpenCLKernel.Argument] {
        [.buffer(x), .buffer(a), .buffer(b), .buffer(o), .buffer(chunks), .buffer(parameters), .buffer(partial),
         .buffer(sharedX), .buffer(sharedA), .buffer(sharedB), .buffer(sharedO),
         .buffer(basis), .buffer(sharedBasis), .buffer(coefficients)]
    }
}

/// loss.cl:
///
///     combine(const acc_t *partial, const int *fit_chunks, acc_t *out, const int fits)
struct CombineArguments: OpenCLKernelArguments {
    static let kernelName = "combine"
    var partial: OpenCLBuffer
    /// T + 1 chunk ranges (OpenCLBatchLayout.chunkStart).
    var fitChunks: OpenCLBuffer
    /// T×(P + 1 + M) sums.
    var out: OpenCLBuffer
    var fits: Int32

    var list: [OpenCLKernel.Argument] { [.buffer(partial), .buffer(fitChunks), .buffer(out), .int32(fits)] }
}

/// forward.cl:
///
///     forward(const float *x, const int stride, const float *parameters, float *out)
struct ForwardArguments: OpenCLKernelArguments {
    static let kernelName = "forward"
    /// Feature-major events, each feature padded to `stride`.
    var x: OpenCLBuffer
    var stride: Int32
    var parameters: OpenCLBuffer
    /// T×stride values of f.
    var out: OpenCLBuffer

    var list: [OpenCLKernel.Argument] { [.buffer(x), .int32(stride), .buffer(parameters), .buffer(out)] }
}

/// adam.cl:
///
///     adam_step(double *theta, double *first_moment, double *second_moment, float *parameters,
///               const double *loss_gradient, int *diverged, const uchar *clip_mask,
///               const int fits, const int epoch, const double alpha, const double beta1,
///               const double beta2, const double epsilon, const int clip, const double bound)
struct AdamStepArguments: OpenCLKernelArguments {
    static let kernelName = "adam_step"
    var theta, firstMoment, secondMoment: OpenCLBuffer
    /// The float32 copy of θ the loss kernel reads.
    var parameters: OpenCLBuffer
    /// The engine's T×(P + 1 + M) sums.
    var lossGradient: OpenCLBuffer
    var diverged: OpenCLBuffer
    var clipMask: OpenCLBuffer
    var fits: Int32
    var epoch: Int32
    /// Adam.stepSize(step: epoch + 1).
    var alpha: Double
    var beta1, beta2, epsilon: Double
    var clip: Bool
    var bound: Double

    var list: [OpenCLKernel.Argument] {
        [.buffer(theta), .buffer(firstMoment), .buffer(secondMoment), .buffer(parameters), .buffer(lossGradient),
         .buffer(diverged), .buffer(clipMask), .int32(fits), .int32(epoch), .double(alpha), .double(beta1),
         .double(beta2), .double(epsilon), .int32(clip ? 1 : 0), .double(bound)]
    }
}
