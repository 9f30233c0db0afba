import NPLMCore

/// The one engine factory: every model's engine is built here, on the engine `DevicePolicy`
/// resolves a `BackendRequest` to (or on an `EngineChoice` named directly). Networks get a
/// training backend or a bare loss engine; the kernel model gets a `KernelEngine`
/// (`BackendFactory+Kernel.swift`).
public enum BackendFactory {
    /// The training backend for `batch` (Adam and clipping on an OpenCL device where it can, else
    /// the host loop over the engine). `notice` receives one-line messages for the user (which
    /// device was chosen, why a fallback happened).
    public static func make(_ request: BackendRequest, batch: FitBatch, clipping: WeightClipping?,
                            notice: (String) -> Void = { _ in }) throws -> TrainingBackend {
        try DevicePolicy.build(request, notice: notice, name: \.name) { try trainingBackend($0, batch: batch, clipping: clipping) }
    }

    /// The training backend for `batch` on an engine named directly (`nplm bench`).
    public static func make(_ choice: EngineChoice, batch: FitBatch, clipping: WeightClipping?,
                            notice: (String) -> Void = { _ in }) throws -> TrainingBackend {
        try DevicePolicy.build(choice, notice: notice, name: \.name) { try trainingBackend($0, batch: batch, clipping: clipping) }
    }

    /// The training backend a host loop of the caller's makes over the loss engine `request`
    /// chooses for `batch` (the same choice, notices and fallbacks as `make`): for batches whose
    /// loop is not the plain one, such as fits with nuisance parameters (offset-basis columns).
    /// A failure of `hostLoop` on an OpenCL device under `--backend auto` falls back to the CPU.
    public static func make(_ request: BackendRequest, batch: FitBatch, notice: (String) -> Void = { _ in },
                            hostLoop: (LossEngine) throws -> TrainingBackend) throws -> TrainingBackend {
        try DevicePolicy.build(request, notice: notice, name: \.name) { try hostLoop(try lossEngine($0, batch: batch)) }
    }

    /// The loss engine `request` chooses for `batch` (the same choice, notices and fallbacks as
    /// `make`), for training loops that drive an engine themselves.
    public static func engine(_ request: BackendRequest, batch: FitBatch, notice: (String) -> Void = { _ in }) throws -> LossEngine {
        try DevicePolicy.build(request, notice: notice, name: \.name) { try lossEngine($0, batch: batch) }
    }

    /// The loss engine for `batch` on an engine named directly (`nplm bench`).
    public static func engine(_ choice: EngineChoice, batch: FitBatch, notice: (String) -> Void = { _ in }) throws -> LossEngine {
        try DevicePolicy.build(choice, notice: notice, name: \.name) { try lossEngine($0, batch: batch) }
    }

    /// OpenCL device names in the order `nplm devices` lists them ([] when there is none).
    public static func openCLDevices() -> [String] {
        ((try? OpenCLDevice.all()) ?? []).map(\.name)
    }

    static func lossEngine(_ choice: EngineChoice, batch: FitBatch) throws -> LossEngine {
        switch choice {
        case .reference:
            return ReferenceEngine(batch: batch)
        case .cpu(let threads, let instructionSet, let unrolledKernels):
            return try FastCPUEngine(batch: batch, threads: threads, instructionSet: instructionSet, unrolledKernels: unrolledKernels)
        case .opencl(let device):
            return try OpenCLEngine(batch: batch, device: device)
        }
    }

    static func trainingBackend(_ choice: EngineChoice, batch: FitBatch, clipping: WeightClipping?) throws -> TrainingBackend {
        switch choice {
        case .reference, .cpu:
            return HostTrainingLoop(engine: try lossEngine(choice, batch: batch), clipping: clipping)
        case .opencl(let device):
            return try OpenCLTrainingBackend.make(engine: OpenCLEngine(batch: batch, device: device), clipping: clipping)
        }
    }
}
