import Foundation
import XCTest
@testable import NPLM
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// `nplm toys --write-samples`: the samples a campaign trains on, as .npy files that the readers
/// (and numpy) take, from the same (seed, toy) streams.
final class ToySampleFilesTests: XCTestCase {
    static let benchmark = Benchmark1D(expectedBackground: 60, referenceSize: 600)

    func kernel(_ sample: ReferenceSample) throws -> CampaignConfiguration {
        CampaignConfiguration(seed: 7, architecture: try Architecture([1, 4, 1]), training: TrainingOptions(epochs: 300_000),
                              test: .nplm(.oneD(Self.benchmark, .kernel(KernelOptions(widths: [0.8, 2.4], centres: 30)))),
                              referenceSample: sample)
    }

    func read(_ path: String) throws -> EventSet { try SampleFile.events(path: path, parameter: .data) }

    /// A reference per toy: toy k's data and reference are the campaign's, and a fit of toy 0's
    /// files with the campaign's seed gives toy 0's record (its centres come from (seed, 0) too).
    func testKernelToysWithTheirReferences() throws {
        let folder = try CLI.temporaryDirectory(self).appendingPathComponent("samples").path
        let configuration = try kernel(.toy)
        let paths = try ToySampleFiles.write(configuration, toys: [0, 2], folder: folder, parameter: .writeSamples)
        XCTAssertEqual(paths.map { URL(fileURLWithPath: $0).lastPathComponent },
                       ["toy-0-data.npy", "toy-0-reference.npy", "toy-2-data.npy", "toy-2-reference.npy"])
        for toy in [0, 2] {
            XCTAssertEqual(try read(folder + "/toy-\(toy)-data.npy"), Self.benchmark.data(seed: 7, toy: UInt32(toy)).events)
            XCTAssertEqual(try read(folder + "/toy-\(toy)-reference.npy"), Self.benchmark.reference(seed: 7, toy: UInt32(toy)))
        }
        let record = try CampaignRunner(configuration: configuration, backend: BackendRequest(kind: .reference))
            .train(toys: [0], shard: .whole)[0]
        let fit = try KernelFit(data: read(folder + "/toy-0-data.npy"), reference: read(folder + "/toy-0-reference.npy"),
                                weights: .expected(60, referenceCount: 600), options: configuration.kernel!, seed: 7,
                                backend: BackendRequest(kind: .reference)).run()
        XCTAssertEqual(fit.kernel.t, record.kernel?.t)
    }

    /// More toys than the file system holds are refused before the folder is made, with the numbers
    /// (the toy count is sized from this machine's free space: a toy's reference of 10⁶ events is 4 MB).
    func testMoreSamplesThanTheDiskHoldsAreRefusedFirst() throws {
        let folder = try CLI.temporaryDirectory(self).appendingPathComponent("samples/deeper").path
        let free = try XCTUnwrap(DiskSpace.available(at: folder), "statvfs of the nearest existing folder")
        let count = Int(free / 4e6) + 1
        let large = CampaignConfiguration(seed: 7, architecture: try Architecture([1, 4, 1]), training: TrainingOptions(epochs: 10),
                                          test: .nplm(.oneD(Benchmark1D(expectedBackground: 60, referenceSize: 1_000_000), .network)),
                                          referenceSample: .toy)
        XCTAssertThrowsError(try ToySampleFiles.write(large, toys: Array(0..<count), folder: folder, parameter: .writeSamples)) {
            XCTAssertTrue("\($0)".contains("write_samples \(folder): the samples of \(count) toy(s) need about"), "\($0)")
            XCTAssertTrue("\($0)".contains("free: write fewer toys"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder), "nothing made")
    }

    /// One reference per campaign is written once; two-sample toys as A and B; several features
    /// row by row.
    func testSharedReferenceTwoSamplesAndFeatures() throws {
        let folder = try CLI.temporaryDirectory(self).path
        let shared = try ToySampleFiles.write(try kernel(.campaign), toys: [1], folder: folder + "/shared", parameter: .writeSamples)
        XCTAssertEqual(shared.map { URL(fileURLWithPath: $0).lastPathComponent }, ["reference.npy", "toy-1-data.npy"])
        XCTAssertEqual(try read(shared[0]), Self.benchmark.reference(seed: 7))
        let symmetric = CampaignConfiguration(seed: 3, architecture: try Architecture([1, 3, 1]), training: TrainingOptions(epochs: 10),
                                              samples: SymmetricToys(expectedA: 50, expectedB: 80), statistic: .symmetrized)
        let pair = try ToySampleFiles.write(symmetric, toys: [4], folder: folder + "/pair", parameter: .writeSamples)
        let expected = SymmetricToys(expectedA: 50, expectedB: 80).samples(seed: 3, toy: 4)
        XCTAssertEqual(try read(pair[0]), expected.a)
        XCTAssertEqual(try read(pair[1]), expected.b)
        let events = EventSet(rows: [[1, 2, 3], [4, 5, 6]], dimension: 3)
        let path = folder + "/three.npy"
        try NumpyWriter.float32(events).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try read(path), events)
    }

    /// The command line: the files of the shard's toys; no --output with --write-samples.
    func testTheCommandLineWritesTheShardsToys() throws {
        let folder = try CLI.temporaryDirectory(self)
        let toys = ["toys", "--toys", "5", "--shard", "1/2", "--reference-size", "300", "--expected", "40", "--epochs", "10",
                    "--write-samples", "samples"]
        var run = try CLI.run(toys, in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("samples").path).sorted()
        XCTAssertEqual(files, ["reference.npy", "toy-1-data.npy", "toy-3-data.npy"])
        run = try CLI.run(toys + ["--output", "run.jsonl"], in: folder)
        XCTAssertEqual(run.status, 64)
        XCTAssertTrue(run.stderr.contains("--write-samples writes the toys' samples instead of training them: leave out --output"), run.stderr)
    }
}
