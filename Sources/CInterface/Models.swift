import Foundation
import NPLM
import CNPLM

// nplm_devices, nplm_load_model, nplm_log_ratio, nplm_kernel_log_ratio.

/// One OpenCL device, as `nplm devices` lists it.
struct DeviceDescription: Encodable {
    var index: Int
    var platform: String
    var platformVersion: String
    var name: String
    var vendor: String
    var kind: String
    var version: String
    var driverVersion: String
    var computeUnits: Int
    var maxWorkGroupSize: Int
    var maxWorkItemSizes: [Int]
    var globalMemory: UInt64
    var maxAllocation: UInt64
    var localMemory: UInt64
    var fp64: Bool
    var preferredFloatWidth: Int
    /// The kernel layout nplm would use on it.
    var layout: String
    /// The lines `nplm devices` prints for it.
    var text: String
}

struct DevicesResponse: Encodable {
    var devices: [DeviceDescription]
    /// What `nplm devices` prints.
    var text: String
}

/// 1536 → "1.5 KiB", as `nplm devices` prints sizes.
func bytes(_ value: UInt64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var size = Double(value), unit = 0
    while size >= 1024 && unit < units.count - 1 { size /= 1024; unit += 1 }
    return unit == 0 ? "\(value) B" : String(format: "%.1f %@", size, units[unit])
}

@_cdecl("nplm_devices")
public func nplmDevices(_ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(result) {
        // DevicesCommand.run.
        let devices = try OpenCLDevice.all()
        guard !devices.isEmpty else {
            return try json(DevicesResponse(devices: [], text: "no OpenCL platform or device found (install an ICD such as pocl-opencl-icd; OCL_ICD_VENDORS, if set, must name a folder of .icd files)"))
        }
        var lines: [String] = []
        var platform = ""
        var described: [DeviceDescription] = []
        for device in devices {
            if device.platformName != platform {
                platform = device.platformName
                lines.append("platform: \(device.platformName) (\(device.platformVersion))")
            }
            let layout = "\(try OpenCLVariant.choose(for: device))"
            let text = [
                "  \(device.index): \(device.name) [\(device.kind.rawValue)] \(device.version), driver \(device.driverVersion)",
                "     compute units \(device.computeUnits), max work-group \(device.maxWorkGroupSize), work-item sizes \(device.maxWorkItemSizes.map(String.init).joined(separator: "×"))",
                "     global memory \(bytes(device.globalMemory)), max allocation \(bytes(device.maxAllocation)), local memory \(bytes(device.localMemory))",
                "     fp64 \(device.fp64 ? "yes" : "no"), preferred float vector width \(device.preferredFloatWidth)",
                "     nplm kernel layout: \(layout)",
            ]
            lines += text
            described.append(DeviceDescription(
                index: device.index, platform: device.platformName, platformVersion: device.platformVersion, name: device.name,
                vendor: device.vendor, kind: device.kind.rawValue, version: device.version, driverVersion: device.driverVersion,
                computeUnits: device.computeUnits, maxWorkGroupSize: device.maxWorkGroupSize, maxWorkItemSizes: device.maxWorkItemSizes,
                globalMemory: device.globalMemory, maxAllocation: device.maxAllocation, localMemory: device.localMemory,
                fp64: device.fp64, preferredFloatWidth: device.preferredFloatWidth, layout: layout,
                text: text.joined(separator: "\n")))
        }
        return try json(DevicesResponse(devices: described, text: lines.joined(separator: "\n")))
    }
}

struct ModelResponse: Encodable {
    /// A `SavedModel` or a `KernelModelFile`.
    var model: AnyEncodable
}

@_cdecl("nplm_load_model")
public func nplmLoadModel(_ path: UnsafePointer<CChar>?, _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    respond(result) {
        guard let path = string(path) else { throw InterfaceError("load_model: no path given") }
        let label: ErrorText = "\(Parameter.model) \(path)"
        if try ModelFile.kind(path: path, label: label) == .kernel {
            return try json(ModelResponse(model: AnyEncodable(try KernelModelFile.load(path: path, label: label))))
        }
        return try json(ModelResponse(model: AnyEncodable(try SavedModel.load(path: path, label: label))))
    }
}

/// Writes `values` to the caller's `out` (room for exactly `values.count` doubles).
func write(_ values: [Double], to out: UnsafeMutablePointer<Double>?) throws {
    guard let out else { throw InterfaceError("no output buffer given") }
    values.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: values.count) }
}

@_cdecl("nplm_log_ratio")
public func nplmLogRatio(_ modelText: UnsafePointer<CChar>?, _ fit: Int32, _ xSample: UnsafePointer<nplm_sample>?,
                         _ out: UnsafeMutablePointer<Double>?, _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var answer: UnsafeMutablePointer<CChar>?
    let status = respond(&answer) {
        let decoder = NPLMJSON.decoder()
        let text = Data((string(modelText) ?? "").utf8)
        if (try? decoder.decode(ModelFileHeader.self, from: text))?.kind == .kernel {
            return try kernelLogRatio(text, width: Int(fit), xSample: xSample, out: out)
        }
        let model: SavedModel
        do { model = try decoder.decode(SavedModel.self, from: text) } catch {
            throw InterfaceError("the model is not a model of nplm fit (\(oneLine(error)))")
        }
        try model.check(label: "the model")
        let architecture = try Architecture(model.architecture)
        guard model.parameters.indices.contains(Int(fit)), model.parameters[Int(fit)].count == architecture.parameterCount else {
            throw InterfaceError("the model has no fit \(fit) with the \(architecture.parameterCount) parameters of architecture \(architecture)")
        }
        let (events, label) = try modelInput(xSample, dimension: architecture.inputDimension,
                                             model: "the model (architecture \(architecture))")
        let f = ReferenceNetwork.evaluate(architecture: architecture, parameters: model.parameters[Int(fit)][...],
                                          events: try model.prepared(events, label: label))
        try write(f, to: out)
        return ""
    }
    if status == 0 { free(answer) } else { error?.pointee = answer }
    return status
}

/// nplm_log_ratio of a kernel model (`KernelModelFile`): f of width number `width` at every event of
/// `x`, after the model's preprocessing, every kernel value in Double.
func kernelLogRatio(_ text: Data, width: Int, xSample: UnsafePointer<nplm_sample>?, out: UnsafeMutablePointer<Double>?) throws -> String {
    let model: KernelModelFile
    do { model = try NPLMJSON.decoder().decode(KernelModelFile.self, from: text) } catch {
        throw InterfaceError("the model is not a kernel model of nplm fit (\(oneLine(error)))")
    }
    try model.check(label: "the model")
    guard model.widths.indices.contains(width) else {
        throw InterfaceError("the kernel model has no width \(width) (it has \(model.widths.count))")
    }
    let (events, label) = try modelInput(xSample, dimension: model.dimension, model: "the kernel model")
    try write(try model.logRatio(try model.prepared(events, label: label), width: width), to: out)
    return ""
}

/// The events `x` of nplm_log_ratio and nplm_kernel_log_ratio and their label, refused unless they
/// have the `dimension` features of `model` (its description in the message).
func modelInput(_ xSample: UnsafePointer<nplm_sample>?, dimension: Int, model: String) throws -> (EventSet, ErrorText) {
    let x = try required(xSample, parameter: Parameter("x"), keyword: "x")
    let events = try x.events()
    guard events.dimension == dimension else {
        throw NPLMError.invalidInput(file: "\(x.label)", "has \(events.dimension) feature(s) per event but \(model) takes \(dimension)")
    }
    return (events, x.label)
}

@_cdecl("nplm_kernel_log_ratio")
public func nplmKernelLogRatio(_ centresSample: UnsafePointer<nplm_sample>?, _ coefficients: UnsafePointer<Double>?, _ width: Double,
                               _ xSample: UnsafePointer<nplm_sample>?, _ out: UnsafeMutablePointer<Double>?,
                               _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var answer: UnsafeMutablePointer<CChar>?
    let status = respond(&answer) {
        let centres = try required(centresSample, parameter: .centres, keyword: "centres").events()
        guard let coefficients else { throw InterfaceError("no kernel coefficients given") }
        guard width > 0, width.isFinite else { throw InterfaceError("the kernel width must be a positive number, got \(width)") }
        let x = try required(xSample, parameter: Parameter("x"), keyword: "x")
        let events = try x.events()
        guard events.dimension == centres.dimension else {
            throw NPLMError.invalidInput(file: "\(x.label)",
                "has \(events.dimension) feature(s) per event but the kernel model's centres have \(centres.dimension)")
        }
        let c = Array(UnsafeBufferPointer(start: coefficients, count: centres.count))
        try write(ReferenceKernelProducts(events: events, centres: centres, width: width).evaluate(c), to: out)
        return ""
    }
    if status == 0 { free(answer) } else { error?.pointee = answer }
    return status
}
