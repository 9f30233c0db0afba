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

    /// Blocking download of `count` elements of `buffer`, from element `offset` on.
    func read<T>(_ type: T.Type, count: Int, from buffer: OpenCLBuffer, atElement offset: Int = 0, zero: T) throws -> [T] {
        var values = [T](repeating: zero, count: count)
        guard count > 0 else { return values }
        let start = MemoryLayout<T>.stride * offset
        precondition(start + MemoryLayout<T>.stride * count <= buffer.bytes)
        try values.withUnsafeMutableBytes { raw in
            try check(clEnqueueReadBuffer(queue, buffer.memory, cl_bool(CL_TRUE), start, raw.count, raw.baseAddress, 0, nil, nil),
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
