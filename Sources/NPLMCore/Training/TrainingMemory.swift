import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory a batch of fits needs, checked before anything is allocated, so that an absurd
/// architecture or batch is refused with the number instead of aborting in an allocation.
///
/// A generous estimate (every engine's copies counted), not an exact figure:
/// - per fit, 12 arrays of P Doubles: parameters, two Adam moments, gradient, initial and final
///   parameters, and the engines' float32 and scratch copies;
/// - per event, its d features and three coefficients (a, b, o) as float32, three times over (the
///   samples, the batch, the engine's own layout);
/// - activations: the widest layer × 2048 events (a chunk) × 2 (forward and backward) float32,
///   per core;
/// - the loss history: the checkpoints' epochs, and per checkpoint and fit the (epoch, loss) pair
///   of the outcome and of the record and its JSON.
public enum TrainingMemory {
    /// Bytes the batch needs (see the type's description).
    public static func estimate(architecture: Architecture, fits: Int, events: Int, dimension: Int,
                                options: TrainingOptions) -> Double {
        let P = Double(architecture.parameterCount), T = Double(fits)
        let perFit = 12 * 8 * P
        let perEvent = 3 * 4 * Double(dimension + 3)
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        let activations = Double(architecture.widestLayer) * 2048 * 2 * 4 * Double(architecture.layers.count) * cores
        let checkpoints = options.historyEvery > 0 ? Double(options.epochs) / Double(options.historyEvery) + 1 : 1
        // Per checkpoint: its epoch (once), and per fit the (epoch, loss) pair of the outcome and its
        // copy in the record, and about 48 bytes of JSON when the record is written.
        return T * perFit + Double(events) * perEvent + activations + checkpoints * 8 + T * checkpoints * 80
    }

    /// The memory of this machine, in bytes (0 when unknown).
    public static var physicalMemory: Double { Double(ProcessInfo.processInfo.physicalMemory) }

    /// Refuses a batch whose estimate exceeds the machine's memory, naming both numbers and what to
    /// change. `fits`: fits trained at once; `events`: events over all fits (shared ones once).
    public static func check(architecture: Architecture, fits: Int, events: Int, dimension: Int, options: TrainingOptions,
                             batchHint: ErrorText? = nil) throws {
        let needed = estimate(architecture: architecture, fits: fits, events: events, dimension: dimension, options: options)
        let available = physicalMemory
        guard available > 0, needed > available else { return }
        let parts = "\(fits) fit\(fits == 1 ? "" : "s") of architecture \(architecture) (P = \(architecture.parameterCount) parameters), \(events) events"
        throw NPLMError.invalidArgument(
            "a batch of \(parts) needs about \(bytes(needed)) of memory; this machine has \(bytes(available)): use a smaller \(Parameter.architecture)\(batchHint.map { ", " + $0 } ?? "") or fewer events")
    }

    /// Refuses a kernel-model fit whose M × M matrices (the kernel of the centres, its Cholesky
    /// factors and the Newton system: about four of them per width, in Double) and events exceed
    /// the machine's memory.
    public static func checkKernel(centres: Int, widths: Int, events: Int, dimension: Int) throws {
        let m = Double(centres)
        let needed = 4 * 8 * m * m * Double(widths) + Double(events) * 3 * 4 * Double(dimension + 3) + 8 * m * Double(dimension)
        let available = physicalMemory
        guard available > 0, needed > available else { return }
        throw NPLMError.invalidArgument(
            "the kernel model with M = \(centres) centres and \(widths) width\(widths == 1 ? "" : "s") needs about \(bytes(needed)) of memory (M × M matrices); this machine has \(bytes(available)): use fewer \(Parameter.centres)")
    }

    /// 1536 → "1.5 KiB".
    public static func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var size = value, unit = 0
        while size >= 1024 && unit < units.count - 1 { size /= 1024; unit += 1 }
        return unit == 0 ? "\(Int(value)) B" : String(format: "%.1f %@", size, units[unit])
    }
}
