import Foundation

/// Allocations sized by a file or an option, checked against this machine's memory before they
/// are made, so that an absurd size is refused with the numbers instead of aborting the process in
/// an allocation (as `TrainingMemory` does for a batch of fits).
public enum MemoryLimit {
    /// Refuses `bytes` when they exceed the machine's memory: `what` names the allocation ("the
    /// dataset of shape (8589934592, 1)"), `advice` what to do. The error names `label` (a file, or
    /// an option and its value).
    public static func check(_ bytes: Double, for what: String, label: ErrorText, advice: String) throws {
        let available = TrainingMemory.physicalMemory
        guard available > 0, bytes > available else { return }
        throw NPLMError.invalidInput(file: label, "\(what) needs about \(TrainingMemory.bytes(bytes)) of memory; this machine has \(TrainingMemory.bytes(available)): \(advice)")
    }
}
