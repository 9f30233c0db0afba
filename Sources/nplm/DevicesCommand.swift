import ArgumentParser
import Foundation
import NPLM

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the OpenCL platforms and devices, with their limits and the kernel layout nplm would use.",
        discussion: "The index in the first column is what --device N selects.")

    func run() throws {
        let devices = try OpenCLDevice.all()
        guard !devices.isEmpty else {
            print("no OpenCL platform or device found (install an ICD such as pocl-opencl-icd; OCL_ICD_VENDORS, if set, must name a folder of .icd files)")
            return
        }
        var platform = ""
        for device in devices {
            if device.platformName != platform {
                platform = device.platformName
                print("platform: \(device.platformName) (\(device.platformVersion))")
            }
            print("  \(device.index): \(device.name) [\(device.kind.rawValue)] \(device.version), driver \(device.driverVersion)")
            print("     compute units \(device.computeUnits), max work-group \(device.maxWorkGroupSize), work-item sizes \(device.maxWorkItemSizes.map(String.init).joined(separator: "×"))")
            print("     global memory \(Self.bytes(device.globalMemory)), max allocation \(Self.bytes(device.maxAllocation)), local memory \(Self.bytes(device.localMemory))")
            print("     fp64 \(device.fp64 ? "yes" : "no"), preferred float vector width \(device.preferredFloatWidth)")
            print("     nplm kernel layout: \(try OpenCLVariant.choose(for: device))")
        }
    }

    /// 1536 → "1.5 KiB".
    static func bytes(_ value: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var size = Double(value), unit = 0
        while size >= 1024 && unit < units.count - 1 { size /= 1024; unit += 1 }
        return unit == 0 ? "\(value) B" : String(format: "%.1f %@", size, units[unit])
    }
}
