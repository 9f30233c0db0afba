import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The learned log-ratio for a person: the plot data against hand-computed values (the true
/// log-ratio, the grid f against the reference network, bin contents and histogram totals), and
/// well-formed SVG.
final class LogRatioPlotTests: XCTestCase {
    // MARK: - True log-ratio

    /// Values from Python (math.log1p, math.exp in double precision) of the formula written out:
    /// log(n(x|data)/n(x|R₀)) with n(x|R₀) = N e^{−x}.
    func testTrueLogRatioAgainstHandComputedValues() {
        let np3 = Benchmark1D(expectedBackground: 2000, signal: .np3)
        // log1p(90 · N(1.6; 1.6, 0.16) / (2000 e^{−1.6}))
        XCTAssertEqual(np3.logRatio(x: 1.6), 0.44195305324241935, accuracy: 1e-14)
        // NP2: log(1 + 180 · ½·9e^{−3} / (2000 e^{−3}))
        XCTAssertEqual(Benchmark1D(expectedBackground: 2000, signal: .np2).logRatio(x: 3), 0.3400373027857091, accuracy: 1e-14)
        // Nuisances ν_S = 0.1, ν_N = 0.2 at x = 2: background only, then with NP3.
        var shifted = Benchmark1D(expectedBackground: 2000, signal: .none, scaleNuisance: 0.1, normalizationNuisance: 0.2)
        XCTAssertEqual(shifted.logRatio(x: 2), 0.290325163928081, accuracy: 1e-14)
        shifted.signal = .np3
        shifted.signalEvents = 90
        XCTAssertEqual(shifted.logRatio(x: 2), 0.31720854927551956, accuracy: 1e-14)
        // A null campaign learns 0; no background below x = 0.
        XCTAssertEqual(Benchmark1D(expectedBackground: 2000).logRatio(x: 4.2), 0)
        XCTAssertEqual(Benchmark1D(expectedBackground: 2000, signal: .np1, signalEvents: 0).logRatio(x: 6.4), 0)
        XCTAssertTrue(np3.logRatio(x: -0.1).isNaN)
    }

    // MARK: - Campaigns

    static let architecture = try! Architecture([1, 4, 1])

    /// Records of a campaign whose toys have the given t (+∞: diverged), each with the
    /// parameters of its initial network as final ones.
    func makeRecords(t values: [Double], benchmark: Benchmark1D) -> [FitRecord] {
        let configuration = CampaignConfiguration(seed: 3, architecture: Self.architecture, training: TrainingOptions(epochs: 10),
                                                  benchmark: benchmark)
        return values.enumerated().map { toy, t in
            let parameters = Self.architecture.initialParameters(seed: 3, toy: UInt32(toy))
            let outcome = FitOutcome(t: t, finalLoss: -t / 2, history: [], divergedAt: t.isFinite ? nil : 4,
                                     initialParameters: parameters, finalParameters: parameters)
            var record = FitRecord(outcome: outcome, dof: 13, epochs: 10, dataEvents: 100, referenceEvents: 1000, toy: toy, seed: 3)
            record.configuration = configuration
            return record
        }
    }

    func testCampaignCurveIsTheMedianToysNetworkWithItsBandAndTheTruth() throws {
        let benchmark = Benchmark1D(expectedBackground: 2000, referenceSize: 1000, signal: .np3)
        let records = makeRecords(t: [5, 1, 3, .infinity, 2], benchmark: benchmark)
        let curve = try LogRatioCurve.campaign(records: records, gridPoints: 41)
        // Finite t ascending: 1 (toy 1), 2 (toy 4), 3 (toy 2), 5 (toy 0); the lower median is toy 4.
        XCTAssertEqual(curve.toys, 4)
        XCTAssertEqual(curve.medianToy, 4)
        XCTAssertEqual(curve.medianT, 2)
        // The grid runs from 0 to log 2000 = 7.6, rounded up to a half: 8.
        XCTAssertEqual(curve.x.count, 41)
        XCTAssertEqual(curve.x.first, 0)
        XCTAssertEqual(curve.x.last, 8)
        XCTAssertEqual(curve.x[5], 1, accuracy: 1e-15)
        // The axis is fitted to where the background has ≥ 10 events per unit x: log 200 = 5.3 → 5.5.
        XCTAssertEqual(curve.focus, 0...5.5)
        let grid = EventSet(curve.x.map(Float.init))
        let f = [0, 1, 2, 4].map { ReferenceNetwork.evaluate(architecture: Self.architecture, parameters: records[$0].finalParameters[...], events: grid) }
        XCTAssertEqual(curve.learned, f[3], "the median toy's f, evaluated by the reference network")
        for j in curve.x.indices {
            let values = f.map { $0[j] }.sorted()
            // numpy's linear percentile of 4 values: h = 3q → 0.48 and 2.52.
            XCTAssertEqual(curve.lower![j], values[0] + 0.48 * (values[1] - values[0]), accuracy: 1e-12)
            XCTAssertEqual(curve.upper![j], values[2] + 0.52 * (values[3] - values[2]), accuracy: 1e-12)
            XCTAssertEqual(curve.truth![j], benchmark.logRatio(x: curve.x[j]))
        }
        XCTAssertEqual(curve.truth![8], 0.44195305324241935, accuracy: 1e-14, "x = 1.6, the NP3 peak")
        assertWellFormedSVG(curve.svg(title: "NP3 <test> & campaign"), atLeast: 8)

        // What has no 1-D log-ratio picture says so.
        XCTAssertThrowsError(try LogRatioCurve.campaign(records: makeRecords(t: [.infinity, .infinity], benchmark: benchmark)))
        var kernel = records
        kernel[0].configuration?.test = .nplm(.oneD(try XCTUnwrap(records[0].configuration?.benchmark), .kernel(KernelOptions(widths: [1]))))
        XCTAssertThrowsError(try LogRatioCurve.campaign(records: kernel))
        XCTAssertNil(LogRatioPlots.fileName(campaign: kernel[0].configuration!))
        XCTAssertEqual(LogRatioPlots.fileName(campaign: records[0].configuration!), "log-ratio.svg")
    }

    // MARK: - Fits

    func testFitCurveBinsTheDataOverTheReferenceAndEvaluatesFOnTheTransformedGrid() throws {
        // Reference: 100 values 0.005, 0.015, …, 0.995 with weights 0.5 (W = 50); data: 30 values.
        let reference = EventSet((0..<100).map { Float(0.005 + 0.01 * Double($0)) })
        let weights = [Float](repeating: 0.5, count: 100)
        let data = EventSet((0..<30).map { Float(Double($0 * $0) / 900) })
        let transform = try XCTUnwrap(FeatureTransform.fit(.standardize, reference: reference, label: "reference"))
        let parameters = Self.architecture.initialParameters(seed: 9, toy: 0)
        let curve = try LogRatioCurve.fit(data: data, reference: reference, weights: weights, architecture: Self.architecture,
                                          parameters: parameters, preprocessing: transform, bins: 4, gridPoints: 11)
        // Equal-population edges over the central 98 %: the values of order ⌊100 q⌋ for
        // q = 0.01, 0.255, 0.5, 0.745, 0.99, i.e. indices 1, 25, 50, 74, 99.
        XCTAssertEqual(curve.bins.map(\.lower), [0.015, 0.255, 0.505, 0.745].map { Double(Float($0)) })
        XCTAssertEqual(curve.bins.last?.upper, Double(Float(0.995)))
        for (k, bin) in curve.bins.enumerated() {
            let last = k == curve.bins.count - 1
            let n = Double(data.features.filter { Double($0) >= bin.lower && (Double($0) < bin.upper || last && Double($0) == bin.upper) }.count)
            let inside = reference.features.map(Double.init).filter { $0 >= bin.lower && ($0 < bin.upper || last && $0 == bin.upper) }
            let w = 0.5 * Double(inside.count)
            XCTAssertEqual(bin.data, n)
            XCTAssertEqual(bin.reference, w)
            XCTAssertEqual(bin.logRatio, log(n / w), accuracy: 1e-15)
            XCTAssertEqual(bin.error, (1 / n + 0.25 * Double(inside.count) / (w * w)).squareRoot(), accuracy: 1e-15)
            XCTAssertEqual(bin.center, inside.reduce(0, +) / Double(inside.count), accuracy: 1e-12)
        }
        // Bin 0 by hand: data i²/900 in [0.015, 0.255) for i = 4…15 (12 events), reference 24 events.
        XCTAssertEqual(curve.bins[0].data, 12)
        XCTAssertEqual(curve.bins[0].logRatio, log(12.0 / 12), accuracy: 1e-15)
        // f on the grid is the network of the transformed grid, drawn against x in the data's units.
        XCTAssertEqual(curve.x.first, Double(Float(0.015)))
        XCTAssertEqual(curve.x.last, Double(Float(0.995)))
        let grid = try transform.apply(EventSet(curve.x.map(Float.init)), label: "grid")
        XCTAssertEqual(curve.learned, ReferenceNetwork.evaluate(architecture: Self.architecture, parameters: parameters[...], events: grid))
        XCTAssertNil(curve.truth)
        assertWellFormedSVG(curve.svg(title: "fit"), atLeast: 8)
    }

    func testMarginalHistogramsKeepEveryWeightAndReweightByEToTheF() throws {
        var stream = TestRandom(21)
        let reference = stream.events(count: 400, dimension: 3), data = stream.events(count: 90, dimension: 3)
        let weights = stream.floats(400, 0.1, 0.4)
        let architecture = try Architecture([3, 5, 1])
        let parameters = architecture.initialParameters(seed: 2, toy: 0)
        let transform = try XCTUnwrap(FeatureTransform.fit(.standardize, reference: reference, label: "reference"))
        let histograms = try MarginalHistograms.fit(data: data, reference: reference, weights: weights, architecture: architecture,
                                                    parameters: parameters, preprocessing: transform, bins: 7)
        let f = ReferenceNetwork.evaluate(architecture: architecture, parameters: parameters[...], events: try transform.apply(reference, label: "r"))
        let total = weights.reduce(0.0) { $0 + Double($1) }
        let reweighted: Double = (0..<400).map { Double(weights[$0]) * exp(f[$0]) }.reduce(0, +)
        XCTAssertEqual(histograms.dataTotal, 90)
        XCTAssertEqual(histograms.referenceTotal, total, accuracy: 1e-12 * total)
        XCTAssertEqual(histograms.reweightedTotal, reweighted, accuracy: 1e-12 * reweighted)
        XCTAssertEqual(histograms.features.count, 3)
        for feature in histograms.features {
            XCTAssertEqual(feature.bins.count, 7)
            // Every event lands in a bin (the edge bins hold the 0.5 % tails): the totals are kept.
            XCTAssertEqual(feature.data.reduce(0, +), 90)
            XCTAssertEqual(feature.reference.reduce(0, +), total, accuracy: 1e-12 * total)
            XCTAssertEqual(feature.reweighted.reduce(0, +), reweighted, accuracy: 1e-12 * reweighted)
            // One inner bin by hand, in the untransformed units.
            let (low, high) = (feature.bins.edges[3], feature.bins.edges[4])
            let inside = (0..<400).filter { i in
                let x = Double(reference.value(event: i, feature: feature.index))
                return x >= low && x < high
            }
            XCTAssertEqual(feature.reference[3], inside.reduce(0.0) { $0 + Double(weights[$1]) }, accuracy: 1e-12)
            XCTAssertEqual(feature.reweighted[3], inside.reduce(0.0) { $0 + Double(weights[$1]) * exp(f[$1]) }, accuracy: 1e-12)
        }
        // Hand-made: one feature, two bins over [0, 1] (the reference's bulk), a data event beyond.
        let small = MarginalHistograms(data: EventSet([0.2, 0.7, 5]), reference: EventSet((0...100).map { Float($0) / 100 }),
                                       weights: [Float](repeating: 1, count: 101), logRatio: [Double](repeating: log(2), count: 101), bins: 2)
        for (edge, expected) in zip(small.features[0].bins.edges, [0.005, 0.5, 0.995]) { XCTAssertEqual(edge, expected, accuracy: 1e-7) }
        XCTAssertEqual(small.features[0].data, [1, 2])
        XCTAssertEqual(small.features[0].reference.reduce(0, +), 101)
        XCTAssertEqual(small.features[0].reweighted.reduce(0, +), 202, accuracy: 1e-12)
        assertWellFormedSVG(histograms.svg(title: "marginals"), atLeast: 30)
        let svg = histograms.svg(title: "marginals")
        XCTAssertEqual(Set((0..<3).map { "plot-area-\($0)" }).filter { svg.contains("id=\"\($0)\"") }.count, 3, "one clip path per panel")
    }

    func testBinsFindTheirValues() {
        let bins = HistogramBins(edges: [0, 1, 2, 4])
        XCTAssertEqual([-0.1, 0, 0.5, 1, 3.9, 4, 4.1].map { bins.index($0) }, [nil, 0, 0, 1, 2, 2, nil])
        XCTAssertEqual([-0.1, 4.1, .nan].map { bins.clampedIndex($0) }, [0, 2, nil])
        XCTAssertEqual(HistogramBins.equalWidth(2...2, bins: 2).edges, [1.5, 2, 2.5])
        XCTAssertNil(HistogramBins.equalPopulation(sorted: [1, 1, 1], bins: 3, coverage: 0.98))
        XCTAssertEqual(HistogramBins.equalPopulation(sorted: [0, 1, 1, 1, 2], bins: 4, coverage: 1)?.edges, [0, 1, 2])
    }
}

/// Checks that `text` parses as XML with an <svg> root and at least `count` elements.
func assertWellFormedSVG(_ text: String, atLeast count: Int, file: StaticString = #filePath, line: UInt = #line) {
    final class Counter: NSObject, XMLParserDelegate {
        var root: String?
        var elements = 0
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if root == nil { root = name }
            elements += 1
        }
    }
    let parser = XMLParser(data: Data(text.utf8))
    let counter = Counter()
    parser.delegate = counter
    XCTAssertTrue(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")", file: file, line: line)
    XCTAssertEqual(counter.root, "svg", file: file, line: line)
    XCTAssertGreaterThanOrEqual(counter.elements, count, file: file, line: line)
}
