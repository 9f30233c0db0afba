import Foundation
import NPLMCore
import NPLMData
import NPLMMethods

/// The samples a campaign's toys are trained on, as `.npy` files (`NumpyWriter`), so that any toy
/// can be fitted again by `nplm fit` or checked with other code: toy k's data (and with a
/// reference sample per toy its reference) from the same (seed, k) streams the campaign draws.
public enum ToySampleFiles {
    /// The files of `toy`: (file name, events). The NPLM preset: "toy-K-data.npy" and, with a
    /// reference sample per toy, "toy-K-reference.npy"; the symmetric preset: "toy-K-a.npy" and
    /// "toy-K-b.npy".
    public static func samples(_ configuration: CampaignConfiguration, toy: Int) -> [(file: String, events: EventSet)] {
        let (seed, index) = (configuration.seed, UInt32(toy))
        switch configuration.test {
        case .nplm(let benchmark):
            let data = ("toy-\(toy)-data.npy", benchmark.toys.data(seed: seed, toy: index).events)
            guard configuration.referenceSample == .toy else { return [data] }
            return [data, ("toy-\(toy)-reference.npy", benchmark.toys.reference(seed: seed, toy: index))]
        case .twoSample(let toys, _):
            let samples = toys.samples(seed: seed, toy: index)
            return [("toy-\(toy)-a.npy", samples.a), ("toy-\(toy)-b.npy", samples.b)]
        }
    }

    /// Writes the samples of `toys` into `folder` (created if needed), and the campaign's one
    /// reference sample as "reference.npy" when its toys share it; returns the paths written.
    /// Each file is written whole or not at all (`AtomicWrite`).
    public static func write(_ configuration: CampaignConfiguration, toys: [Int], folder: String, parameter: Parameter,
                             notice: (String) -> Void = { _ in }) throws -> [String] {
        var written: [String] = []
        // Before the folder is made. Toy k's files are about as large as the first toy's (Poisson
        // sizes: a few per cent); the first toy's samples, drawn for that, are the ones written.
        let firstFiles = toys.first.map { samples(configuration, toy: $0) }
        if let files = firstFiles {
            let bytes = files.reduce(0.0) { $0 + NumpyWriter.fileSize(events: $1.events.count, dimension: $1.events.dimension) }
            let shared = configuration.referenceSample == .campaign
                ? configuration.toyBenchmark.map {
                    NumpyWriter.fileSize(events: $0.referenceSize, dimension: files[0].events.dimension)
                } ?? 0 : 0
            try DiskSpace.check(1.05 * bytes * Double(toys.count) + shared, in: folder, for: "the samples of \(toys.count) toy(s)",
                                label: "\(parameter) \(folder)",
                                advice: "write fewer toys (\(Parameter.toys)) or one shard at a time (\(Parameter.shard)), or into another folder")
        }
        _ = try OutputFolder.prepare(folder, parameter: parameter, files: [])
        func save(_ file: String, _ events: EventSet) throws {
            let path = URL(fileURLWithPath: folder).appendingPathComponent(file).path
            try AtomicWrite.write(NumpyWriter.float32(events), to: path, label: "\(parameter) \(path)")
            written.append(path)
        }
        if configuration.referenceSample == .campaign, let benchmark = configuration.toyBenchmark {
            try save("reference.npy", benchmark.reference(seed: configuration.seed))
        }
        var drawn = firstFiles
        for toy in toys {
            for (file, events) in drawn ?? samples(configuration, toy: toy) { try save(file, events) }
            drawn = nil
        }
        notice("wrote \(written.count) file(s) into \(folder)")
        return written
    }
}
