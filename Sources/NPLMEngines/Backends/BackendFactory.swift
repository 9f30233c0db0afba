import NPLMCore

/// Builds the training backend a `BackendRequest` asks for.
public enum BackendFactory {
    /// Builds the training backend for `batch`. `notice` receives one-line messages for the user
    /// (which device was chosen, why a fallback happened).
    public static func make(_ request: BackendRequest, batch: FitBatch, clipping: WeightClipping?,
                            notice: (String) -> Void = { _ in }) throws -> TrainingBackend {
        switch request.kind {
        case .reference:
            return HostTrainingLoop(engine: ReferenceEngine(batch: batch), clipping: clipping)
        case .cpu:
            return HostTrainingLoop(engine: try FastCPUEngine(batch: batch, threads: request.threads), clipping: clipping)
        case .opencl:
            do {
                let backend = try OpenCLTrainingBackend.make(batch: batch, device: request.device, clipping: clipping)
                notice("backend: \(backend.name)")
                return backend
            } catch let error as OpenCLError {
                throw NPLMError.invalidArgument("--backend opencl: \(error)")
            }
        case .auto:
            func cpu() throws -> TrainingBackend {
                try make(BackendRequest(kind: .cpu, threads: request.threads), batch: batch, clipping: clipping)
            }
            // An OpenCL GPU (or the device named by --device) when one works, else the CPU engine.
            let devices: [OpenCLDevice]
            do { devices = try OpenCLDevice.all() } catch {
                notice("warning: backend auto: cannot list OpenCL devices (\(error)); using the CPU engine")
                return try cpu()
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
                return try cpu()
            }
            do {
                let backend = try OpenCLTrainingBackend.make(batch: batch, device: device.index, clipping: clipping)
                notice("backend auto: opencl on \(device)")
                return backend
            } catch {
                notice("warning: backend auto: OpenCL on \(device.name) failed (\(Self.firstLine(of: error))); using the CPU engine")
                return try cpu()
            }
        }
    }

    /// OpenCL device names in the order `nplm devices` lists them ([] when there is none).
    public static func openCLDevices() -> [String] {
        ((try? OpenCLDevice.all()) ?? []).map(\.name)
    }

    /// The first line of an error, and for a failed build the first error of its log.
    private static func firstLine(of error: Error) -> String {
        let lines = String(describing: error).split(separator: "\n").map(String.init)
        let firstError = lines.dropFirst().first { $0.contains("error") }
        return ([lines.first] + [firstError]).compactMap { $0 }.joined(separator: " ")
    }
}
