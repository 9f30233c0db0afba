import COpenCL

/// A context and an in-order command queue on one device. Everything released in `deinit`.
final class OpenCLContext {
    let device: OpenCLDevice
    let context: cl_context
    let queue: cl_command_queue
    /// Whether the queue records profiling times for events.
    let profiling: Bool

    init(device: OpenCLDevice, profiling: Bool = false) throws {
        self.device = device
        self.profiling = profiling
        var status: cl_int = 0
        var id: cl_device_id? = device.deviceID
        guard let context = clCreateContext(nil, 1, &id, nil, nil, &status) else {
            throw OpenCLError(call: "clCreateContext", status: status, detail: "on \(device.name)")
        }
        try check(status, "clCreateContext", "on \(device.name)")
        let properties = profiling ? cl_command_queue_properties(CL_QUEUE_PROFILING_ENABLE) : 0
        guard let queue = clCreateCommandQueue(context, device.deviceID, properties, &status), status == CL_SUCCESS else {
            clReleaseContext(context)
            throw OpenCLError(call: "clCreateCommandQueue", status: status, detail: "on \(device.name)")
        }
        self.context = context
        self.queue = queue
    }

    deinit {
        clFinish(queue)
        clReleaseCommandQueue(queue)
        clReleaseContext(context)
    }

    /// A device buffer of `count` elements of T (at least one, as OpenCL has no empty buffers).
    func buffer<T>(_ type: T.Type, count: Int, label: String) throws -> OpenCLBuffer {
        try OpenCLBuffer(context: self, bytes: MemoryLayout<T>.stride * max(count, 1), label: label)
    }

    /// A device buffer holding `values` (blocking upload).
    func buffer<T>(_ values: [T], label: String) throws -> OpenCLBuffer {
        let buffer = try self.buffer(T.self, count: values.count, label: label)
        try write(values, to: buffer)
        return buffer
    }

    /// Blocking upload of `values` to the start of `buffer`.
    func write<T>(_ values: [T], to buffer: OpenCLBuffer) throws {
        guard !values.isEmpty else { return }
        precondition(MemoryLayout<T>.stride * values.count <= buffer.bytes)
        try values.withUnsafeBytes { raw in
            try check(clEnqueueWriteBuffer(queue, buffer.memory, cl_bool(CL_TRUE), 0, raw.count, raw.baseAddress, 0, nil, nil),
                      "clEnqueueWriteBuffer", "writing \(buffer.label)")
        }
    }

    /// Blocking download of `count` elements from the start of `buffer`.
    func read<T>(_ type: T.Type, count: Int, from buffer: OpenCLBuffer, zero: T) throws -> [T] {
        var values = [T](repeating: zero, count: count)
        guard count > 0 else { return values }
        precondition(MemoryLayout<T>.stride * count <= buffer.bytes)
        try values.withUnsafeMutableBytes { raw in
            try check(clEnqueueReadBuffer(queue, buffer.memory, cl_bool(CL_TRUE), 0, raw.count, raw.baseAddress, 0, nil, nil),
                      "clEnqueueReadBuffer", "reading \(buffer.label)")
        }
        return values
    }

    func flush() throws { try check(clFlush(queue), "clFlush") }
    func finish() throws { try check(clFinish(queue), "clFinish") }

    /// An event that completes when every command enqueued so far has completed.
    func marker() throws -> OpenCLEvent {
        var event: cl_event?
        try check(clEnqueueMarkerWithWaitList(queue, 0, nil, &event), "clEnqueueMarkerWithWaitList")
        return OpenCLEvent(event!)
    }
}

/// A device memory object.
final class OpenCLBuffer {
    let memory: cl_mem
    let bytes: Int
    let label: String

    init(context: OpenCLContext, bytes: Int, label: String) throws {
        var status: cl_int = 0
        let memory = clCreateBuffer(context.context, cl_mem_flags(CL_MEM_READ_WRITE), bytes, nil, &status)
        guard let memory, status == CL_SUCCESS else {
            throw OpenCLError(call: "clCreateBuffer", status: status,
                              detail: "allocating \(bytes) bytes for \(label) on \(context.device.name)")
        }
        self.memory = memory
        self.bytes = bytes
        self.label = label
    }

    deinit { clReleaseMemObject(memory) }
}

/// A command's completion event.
final class OpenCLEvent {
    let event: cl_event

    init(_ event: cl_event) { self.event = event }
    deinit { clReleaseEvent(event) }

    func wait() throws {
        var event: cl_event? = self.event
        try check(clWaitForEvents(1, &event), "clWaitForEvents")
    }

    /// Start and end of the command on the device, in nanoseconds (profiling queues only).
    func times() throws -> (start: UInt64, end: UInt64) {
        var start: cl_ulong = 0, end: cl_ulong = 0
        try check(clGetEventProfilingInfo(event, cl_profiling_info(CL_PROFILING_COMMAND_START), 8, &start, nil), "clGetEventProfilingInfo")
        try check(clGetEventProfilingInfo(event, cl_profiling_info(CL_PROFILING_COMMAND_END), 8, &end, nil), "clGetEventProfilingInfo")
        return (start, end)
    }
}

/// A program built for one device; a failed build throws with the compiler's log.
final class OpenCLProgram {
    let program: cl_program

    init(context: OpenCLContext, source: String, options: String) throws {
        var status: cl_int = 0
        let program: cl_program? = source.withCString { text in
            var pointer: UnsafePointer<CChar>? = text
            var length = source.utf8.count
            return clCreateProgramWithSource(context.context, 1, &pointer, &length, &status)
        }
        guard let program, status == CL_SUCCESS else {
            throw OpenCLError(call: "clCreateProgramWithSource", status: status)
        }
        self.program = program
        var device: cl_device_id? = context.device.deviceID
        let build = clBuildProgram(program, 1, &device, options, nil, nil)
        if build != CL_SUCCESS {
            throw OpenCLError(call: "clBuildProgram", status: build,
                              detail: "options '\(options)' on \(context.device.name); build log:\n\(log(device: context.device.deviceID))")
        }
    }

    deinit { clReleaseProgram(program) }

    /// The build log (empty when it cannot be read).
    func log(device: cl_device_id) -> String {
        var size = 0
        guard clGetProgramBuildInfo(program, device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), 0, nil, &size) == CL_SUCCESS,
              size > 0 else { return "" }
        var bytes = [CChar](repeating: 0, count: size)
        guard clGetProgramBuildInfo(program, device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), size, &bytes, nil) == CL_SUCCESS
        else { return "" }
        return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func kernel(_ name: String) throws -> OpenCLKernel { try OpenCLKernel(program: self, name: name) }
}

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
