import COpenCL

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
