import COpenCL

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
