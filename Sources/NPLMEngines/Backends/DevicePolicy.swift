import NPLMCore

/// The one rule that turns a `BackendRequest` into an engine, for every model (networks, networks
/// with nuisances, the kernel model's products):
///
/// - `reference`, `cpu`: that engine (`cpu` with the request's threads).
/// - `opencl`: the device `--device` names, else the first GPU, else the first device
///   (`OpenCLDevice.select`); an OpenCL failure is an error, and the device is announced.
/// - `auto`: the device `--device` names, else the first OpenCL GPU; when there is none, or the
///   engine cannot be built on it, the fast CPU engine, with a notice saying why. So an OpenCL CPU
///   device (PoCL) is used only when `--device` names it: on a CPU the fast CPU engine is faster.
public enum DevicePolicy {
    /// Builds `make`'s product on the engine `request` resolves to. `notice` receives one-line
    /// messages for the user (which device was chosen, why a fallback happened); `name` names a
    /// product in them.
    public static func build<Product>(_ request: BackendRequest, notice: (String) -> Void, name: (Product) -> String,
                                      _ make: (EngineChoice) throws -> Product) throws -> Product {
        let cpu = EngineChoice.cpu(threads: request.threads)
        switch request.kind {
        case .reference:
            return try make(.reference)
        case .cpu:
            return try make(cpu)
        case .opencl:
            let device: OpenCLDevice
            do { device = try OpenCLDevice.select(request.device) } catch let error as OpenCLError {
                throw NPLMError.invalidArgument("\(Parameter.backend) opencl: \(error)")
            }
            return try build(.opencl(device), notice: notice, name: name, make)
        case .auto:
            let devices: [OpenCLDevice]
            do { devices = try OpenCLDevice.all() } catch {
                notice("warning: backend auto: cannot list OpenCL devices (\(error)); using the CPU engine")
                return try make(cpu)
            }
            let chosen = request.device.flatMap { devices.indices.contains($0) ? devices[$0] : nil }
                ?? devices.first { $0.kind == .gpu }
            guard let device = chosen else {
                if let index = request.device {
                    notice("warning: backend auto: no OpenCL device \(index) (\(devices.count) found); using the CPU engine")
                } else if devices.isEmpty {
                    notice("warning: backend auto: no OpenCL platform or device found; using the CPU engine")
                } else {
                    notice("backend auto: no OpenCL GPU (\(devices.map(\.description).joined(separator: ", "))); using the CPU engine")
                }
                return try make(cpu)
            }
            do {
                let product = try make(.opencl(device))
                notice("backend auto: opencl on \(device)")
                return product
            } catch {
                notice("warning: backend auto: OpenCL on \(device.name) failed (\(firstLine(of: error))); using the CPU engine")
                return try make(cpu)
            }
        }
    }

    /// Builds `make`'s product on an engine named directly: an OpenCL failure is an error naming
    /// the backend, and an OpenCL device is announced ("backend: opencl: <device>").
    public static func build<Product>(_ choice: EngineChoice, notice: (String) -> Void, name: (Product) -> String,
                                      _ make: (EngineChoice) throws -> Product) throws -> Product {
        guard case .opencl = choice else { return try make(choice) }
        let product: Product
        do { product = try make(choice) } catch let error as OpenCLError {
            throw NPLMError.invalidArgument("\(Parameter.backend) opencl: \(error)")
        }
        notice("backend: \(name(product))")
        return product
    }

    /// The first line of an error, and for a failed build the first error of its log.
    static func firstLine(of error: Error) -> String {
        let lines = String(describing: error).split(separator: "\n").map(String.init)
        let firstError = lines.dropFirst().first { $0.contains("error") }
        return ([lines.first] + [firstError]).compactMap { $0 }.joined(separator: " ")
    }
}
