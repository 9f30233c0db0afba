import COpenCL

/// One kernel of a program: arguments and launches. Arguments are captured at each enqueue, so a
/// kernel can be re-launched with new arguments without waiting.
final class OpenCLKernel {
    let kernel: cl_kernel
    let name: String
    /// CL_KERNEL_NUM_ARGS: how many arguments the compiled kernel takes.
    let argumentCount: Int

    /// One argument of a launch.
    enum Argument {
        case buffer(OpenCLBuffer)
        case int32(Int32)
        case double(Double)
    }

    init(program: OpenCLProgram, name: String) throws {
        var status: cl_int = 0
        guard let kernel = clCreateKernel(program.program, name, &status), status == CL_SUCCESS else {
            throw OpenCLError(call: "clCreateKernel", status: status, detail: "kernel \(name)")
        }
        self.kernel = kernel
        self.name = name
        var count: cl_uint = 0
        let info = clGetKernelInfo(kernel, cl_kernel_info(CL_KERNEL_NUM_ARGS), MemoryLayout<cl_uint>.size, &count, nil)
        if info != CL_SUCCESS {
            clReleaseKernel(kernel)
            throw OpenCLError(call: "clGetKernelInfo", status: info, detail: "CL_KERNEL_NUM_ARGS of kernel \(name)")
        }
        argumentCount = Int(count)
    }

    deinit { clReleaseKernel(kernel) }

    /// Sets every argument of the kernel, `arguments` in the order of its signature (the types of
    /// OpenCLKernelArguments.swift list them next to it). Throws when `A` describes another kernel
    /// or its count differs from the compiled kernel's, so that a kernel signature edited without
    /// its Swift description fails at the first launch, naming both.
    func bind<A: OpenCLKernelArguments>(_ arguments: A) throws {
        let list = arguments.list
        guard A.kernelName == name, list.count == argumentCount else {
            throw OpenCLError(call: "clSetKernelArg", status: 0,
                              detail: "\(A.self) describes \(list.count) arguments of kernel \(A.kernelName); kernel \(name) takes \(argumentCount) (update Sources/NPLMEngines/OpenCL/OpenCLKernelArguments.swift with the kernel's signature)")
        }
        for (index, argument) in list.enumerated() {
            switch argument {
            case .buffer(let buffer): try set(index, buffer)
            case .int32(let value): try set(index, value: value)
            case .double(let value): try set(index, value: value)
            }
        }
    }

    private func set(_ index: Int, _ buffer: OpenCLBuffer) throws {
        var memory: cl_mem? = buffer.memory
        try check(clSetKernelArg(kernel, cl_uint(index), MemoryLayout<cl_mem?>.size, &memory),
                  "clSetKernelArg", "\(name) argument \(index) (\(buffer.label))")
    }

    private func set<T: Numeric & BitwiseCopyable>(_ index: Int, value: T) throws {
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
