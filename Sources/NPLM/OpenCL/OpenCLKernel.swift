import COpenCL

/// One kernel of a program: arguments and launches. Arguments are captured at each enqueue, so a
/// kernel can be re-launched with new scalars without waiting.
final class OpenCLKernel {
    let kernel: cl_kernel
    let name: String

    init(program: OpenCLProgram, name: String) throws {
        var status: cl_int = 0
        guard let kernel = clCreateKernel(program.program, name, &status), status == CL_SUCCESS else {
            throw OpenCLError(call: "clCreateKernel", status: status, detail: "kernel \(name)")
        }
        self.kernel = kernel
        self.name = name
    }

    deinit { clReleaseKernel(kernel) }

    func set(_ index: Int, _ buffer: OpenCLBuffer) throws {
        var memory: cl_mem? = buffer.memory
        try check(clSetKernelArg(kernel, cl_uint(index), MemoryLayout<cl_mem?>.size, &memory),
                  "clSetKernelArg", "\(name) argument \(index) (\(buffer.label))")
    }

    func set<T: Numeric & BitwiseCopyable>(_ index: Int, value: T) throws {
        try withUnsafeBytes(of: value) { raw in
            try check(clSetKernelArg(kernel, cl_uint(index), raw.count, raw.baseAddress),
                      "clSetKernelArg", "\(name) argument \(index)")
        }
    }

    /// Enqueues the kernel over `global` work-items in groups of `local` (nil: the driver chooses).
    @discardableResult
    func enqueue(on context: OpenCLContext, global: [Int], local: [Int]? = nil, event wantEvent: Bool = false) throws -> OpenCLEvent? {
        var event: cl_event?
        let status = withUnsafeMutablePointer(to: &event) { pointer -> cl_int in
            let eventPointer = wantEvent ? pointer : nil
            if let local {
                return clEnqueueNDRangeKernel(context.queue, kernel, cl_uint(global.count), nil, global, local, 0, nil, eventPointer)
            }
            return clEnqueueNDRangeKernel(context.queue, kernel, cl_uint(global.count), nil, global, nil, 0, nil, eventPointer)
        }
        try check(status, "clEnqueueNDRangeKernel", "kernel \(name), global \(global), local \(local.map { "\($0)" } ?? "auto")")
        return event.map(OpenCLEvent.init)
    }
}
