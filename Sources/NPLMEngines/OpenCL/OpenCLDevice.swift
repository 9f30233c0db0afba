import COpenCL
import Foundation

/// One OpenCL device and the limits nplm uses, in the order `nplm devices` lists them
/// (platforms in ICD order, then each platform's devices).
public struct OpenCLDevice: @unchecked Sendable, CustomStringConvertible {
    /// The device type OpenCL reports.
    public enum Kind: String, Sendable { case cpu, gpu, accelerator, other }

    /// Position in `OpenCLDevice.all()`: what `--device N` names.
    public let index: Int
    public let platformName: String
    public let platformVersion: String
    public let name: String
    public let vendor: String
    public let version: String
    public let driverVersion: String
    public let kind: Kind
    public let computeUnits: Int
    public let maxWorkGroupSize: Int
    public let maxWorkItemSizes: [Int]
    public let globalMemory: UInt64
    public let maxAllocation: UInt64
    public let localMemory: UInt64
    /// Whether the device has cl_khr_fp64 (double arithmetic).
    public let fp64: Bool
    /// CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT: 8 for AVX2, 16 for AVX-512 on PoCL.
    public let preferredFloatWidth: Int
    let platformID: cl_platform_id
    let deviceID: cl_device_id

    public var description: String { "\(name) [\(kind.rawValue), \(platformName)]" }

    /// Every device of every platform. No ICD or no platform (CL_PLATFORM_NOT_FOUND_KHR) gives [];
    /// no OpenCL library at all (libOpenCL.so.1, opened at run time by COpenCL) throws, naming it.
    public static func all() throws -> [OpenCLDevice] {
        if let reason = nplm_opencl_load_error() {
            throw OpenCLError(call: "ICD loader", status: 0, detail: String(cString: reason))
        }
        var platformCount: cl_uint = 0
        let status = clGetPlatformIDs(0, nil, &platformCount)
        if status == CL_PLATFORM_NOT_FOUND_KHR || (status == CL_SUCCESS && platformCount == 0) { return [] }
        try check(status, "clGetPlatformIDs", "counting platforms")
        var platforms = [cl_platform_id?](repeating: nil, count: Int(platformCount))
        try check(clGetPlatformIDs(platformCount, &platforms, nil), "clGetPlatformIDs")
        var devices: [OpenCLDevice] = []
        for case let platform? in platforms {
            var deviceCount: cl_uint = 0
            let status = clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), 0, nil, &deviceCount)
            if status == CL_DEVICE_NOT_FOUND || deviceCount == 0 { continue }
            try check(status, "clGetDeviceIDs", "counting devices")
            var ids = [cl_device_id?](repeating: nil, count: Int(deviceCount))
            try check(clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), deviceCount, &ids, nil), "clGetDeviceIDs")
            for case let id? in ids {
                devices.append(try OpenCLDevice(index: devices.count, platform: platform, device: id))
            }
        }
        return devices
    }

    private init(index: Int, platform: cl_platform_id, device: cl_device_id) throws {
        self.index = index
        platformID = platform
        deviceID = device
        platformName = try Self.platformString(platform, cl_platform_info(CL_PLATFORM_NAME))
        platformVersion = try Self.platformString(platform, cl_platform_info(CL_PLATFORM_VERSION))
        name = try Self.string(device, CL_DEVICE_NAME)
        vendor = try Self.string(device, CL_DEVICE_VENDOR)
        version = try Self.string(device, CL_DEVICE_VERSION)
        driverVersion = try Self.string(device, CL_DRIVER_VERSION)
        let type: cl_device_type = try Self.value(device, CL_DEVICE_TYPE)
        if type & cl_device_type(CL_DEVICE_TYPE_GPU) != 0 { kind = .gpu }
        else if type & cl_device_type(CL_DEVICE_TYPE_CPU) != 0 { kind = .cpu }
        else if type & cl_device_type(CL_DEVICE_TYPE_ACCELERATOR) != 0 { kind = .accelerator }
        else { kind = .other }
        computeUnits = Int(try Self.value(device, CL_DEVICE_MAX_COMPUTE_UNITS) as cl_uint)
        maxWorkGroupSize = Int(try Self.value(device, CL_DEVICE_MAX_WORK_GROUP_SIZE) as Int)
        let dimensions = Int(try Self.value(device, CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS) as cl_uint)
        var sizes = [Int](repeating: 0, count: dimensions)
        try check(clGetDeviceInfo(device, cl_device_info(CL_DEVICE_MAX_WORK_ITEM_SIZES), MemoryLayout<Int>.stride * dimensions,
                                  &sizes, nil), "clGetDeviceInfo", "CL_DEVICE_MAX_WORK_ITEM_SIZES")
        maxWorkItemSizes = sizes
        globalMemory = try Self.value(device, CL_DEVICE_GLOBAL_MEM_SIZE)
        maxAllocation = try Self.value(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE)
        localMemory = try Self.value(device, CL_DEVICE_LOCAL_MEM_SIZE)
        let extensions = try Self.string(device, CL_DEVICE_EXTENSIONS)
        fp64 = extensions.split(separator: " ").contains("cl_khr_fp64")
        preferredFloatWidth = Int(try Self.value(device, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT) as cl_uint)
    }

    private static func string(_ device: cl_device_id, _ parameter: Int32) throws -> String {
        var size = 0
        try check(clGetDeviceInfo(device, cl_device_info(parameter), 0, nil, &size), "clGetDeviceInfo", "string info \(parameter)")
        var bytes = [CChar](repeating: 0, count: max(size, 1))
        try check(clGetDeviceInfo(device, cl_device_info(parameter), size, &bytes, nil), "clGetDeviceInfo", "string info \(parameter)")
        return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .trimmingCharacters(in: .whitespaces)
    }

    private static func platformString(_ platform: cl_platform_id, _ parameter: cl_platform_info) throws -> String {
        var size = 0
        try check(clGetPlatformInfo(platform, parameter, 0, nil, &size), "clGetPlatformInfo")
        var bytes = [CChar](repeating: 0, count: max(size, 1))
        try check(clGetPlatformInfo(platform, parameter, size, &bytes, nil), "clGetPlatformInfo")
        return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .trimmingCharacters(in: .whitespaces)
    }

    private static func value<T: FixedWidthInteger>(_ device: cl_device_id, _ parameter: Int32) throws -> T {
        var result: T = 0
        try check(clGetDeviceInfo(device, cl_device_info(parameter), MemoryLayout<T>.size, &result, nil),
                  "clGetDeviceInfo", "info \(parameter)")
        return result
    }
}
