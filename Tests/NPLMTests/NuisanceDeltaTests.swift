import XCTest
@testable import NPLM
@testable import NPLMStatistics
@testable import NPLMCore
@testable import NPLMData
@testable import NPLMEngines
@testable import NPLMMethods
@testable import NPLMCampaigns

/// The δ̂ coefficient networks of a shape nuisance and their eq. 17 training.
final class NuisanceDeltaTests: XCTestCase {
    /// The blocked evaluator and the per-event reference network do the same Double operations in
    /// a different association order only in the back-propagated sums: a few ulps of values O(1).
    static let blockVersusReferenceTolerance = 1e-12
    /// Central finite differences in Double at h = 1e-5: truncation O(h²) and rounding O(ε·L/h)
    /// are both far below this (relative to the largest gradient component).
    static let finiteDifferenceTolerance = 1e-6

    /// Small weighted samples in `dimension` features, for points ±0.2, ±0.5.
    func smallData(dimension: Int, seed: UInt64) throws -> ShapeTrainingData {
        var random = TestRandom(seed)
        let nus = [0.2, -0.2, 0.5, -0.5]
        let points = try nus.map { nu -> (nu: Double, varied: WeightedSample, central: WeightedSample) in
            // Sizes that are not multiples of the block size, and one sample larger than a block.
            let n0 = nu == 0.5 ? 300 : 37, n1 = 53
            let varied = try WeightedSample(events: random.events(count: n0, dimension: dimension),
                                            weights: (0..<n0).map { _ in random.uniform(0.2, 1.5) })
            let central = try WeightedSample(events: random.events(count: n1, dimension: dimension), total: 40)
            return (nu, varied, central)
        }
        return try ShapeTrainingData(points: points)
    }

    func testBlockedEvaluationMatchesReferenceNetwork() throws {
        var random = TestRandom(3)
        for layers in [[1, 4, 1], [3, 5, 4, 1]] {
            let architecture = try Architecture(layers)
            let networks = try DeltaNetworks(architecture: architecture, order: 3,
                                             parameters: random.parameters(architecture, fits: 3))
            let events = random.events(count: 300, dimension: architecture.inputDimension)
            let blocked = networks.coefficients(for: events)
            for k in 1...3 {
                let reference = ReferenceNetwork.evaluate(architecture: architecture, parameters: networks.parameters(ofCoefficient: k),
                                                          events: events)
                XCTAssertLessThanOrEqual(maxRelativeDifference(blocked[k - 1], reference, scale: 1), Self.blockVersusReferenceTolerance,
                                         "δ_\(k), architecture \(layers)")
            }
        }
    }

    /// The loss against eq. 17 written out event by event with the reference network.
    func testLossMatchesTheFormulaTermByTerm() throws {
        var random = TestRandom(5)
        for (layers, order) in [([1, 4, 1], 1), ([1, 4, 1], 2), ([2, 3, 3, 1], 4)] {
            let architecture = try Architecture(layers)
            let data = try smallData(dimension: architecture.inputDimension, seed: 17)
            let networks = try DeltaNetworks(architecture: architecture, order: order,
                                             parameters: random.parameters(architecture, fits: order))
            var expected = 0.0
            for point in data.points {
                for (index, isVaried) in [(point.varied, true), (point.central, false)] {
                    let sample = data.samples[index]
                    let deltas = (1...order).map {
                        ReferenceNetwork.evaluate(architecture: architecture, parameters: networks.parameters(ofCoefficient: $0), events: sample.events)
                    }
                    for e in 0..<sample.events.count {
                        var logR = 0.0
                        for k in 1...order {
                            var factorial = 1.0
                            for j in 1...k { factorial *= Double(j) }
                            logR += Foundation.pow(point.nu, Double(k)) / factorial * deltas[k - 1][e]
                        }
                        let c = 1 / (1 + Foundation.exp(logR))
                        expected += sample.weights[e] * (isVaried ? c * c : (1 - c) * (1 - c))
                    }
                }
            }
            let value = DeltaLoss.value(networks: networks, data: data)
            XCTAssertEqual(value, expected, accuracy: 1e-12 * abs(expected), "architecture \(layers), order \(order)")
        }
    }

    func testGradientMatchesFiniteDifferences() throws {
        var random = TestRandom(7)
        for (layers, order) in [([1, 4, 1], 2), ([2, 3, 3, 1], 3)] {
            let architecture = try Architecture(layers)
            let data = try smallData(dimension: architecture.inputDimension, seed: 19)
            let networks = try DeltaNetworks(architecture: architecture, order: order,
                                             parameters: random.parameters(architecture, fits: order))
            let (_, gradient) = DeltaLoss.valueAndGradient(networks: networks, data: data)
            let h = 1e-5
            var numeric = [Double](repeating: 0, count: gradient.count)
            for index in numeric.indices {
                var plus = networks, minus = networks
                plus.parameters[index] += h
                minus.parameters[index] -= h
                numeric[index] = (DeltaLoss.value(networks: plus, data: data) - DeltaLoss.value(networks: minus, data: data)) / (2 * h)
            }
            let scale = gradient.map(abs).max()!
            XCTAssertLessThanOrEqual(maxRelativeDifference(gradient, numeric, scale: scale), Self.finiteDifferenceTolerance,
                                     "architecture \(layers), order \(order)")
        }
    }

    /// The blocks are summed in a fixed order: any number of threads gives the same bits.
    func testLossAndGradientAreBitwiseIndependentOfThreads() throws {
        var random = TestRandom(9)
        let architecture = try Architecture([1, 4, 1])
        let data = try smallData(dimension: 1, seed: 23)
        let networks = try DeltaNetworks(architecture: architecture, order: 2, parameters: random.parameters(architecture, fits: 2))
        let one = DeltaLoss.valueAndGradient(networks: networks, data: data, threads: 1)
        let two = DeltaLoss.valueAndGradient(networks: networks, data: data, threads: 2)
        let again = DeltaLoss.valueAndGradient(networks: networks, data: data, threads: 3)
        XCTAssertEqual(one.value.bitPattern, two.value.bitPattern)
        XCTAssertEqual(one.gradient.map(\.bitPattern), two.gradient.map(\.bitPattern))
        XCTAssertEqual(one.gradient.map(\.bitPattern), again.gradient.map(\.bitPattern))
    }

    /// The classifier term's slope against a finite difference, including large |log r̂| where a
    /// naive 1 − c would lose every digit.
    func testClassifierTermSlope() {
        for varied in [true, false] {
            for s in [-30.0, -3, -0.4, 0, 0.7, 4, 30] {
                let h = 1e-6
                let numeric = (DeltaLoss.term(logRatio: s + h, varied: varied).value - DeltaLoss.term(logRatio: s - h, varied: varied).value) / (2 * h)
                let slope = DeltaLoss.term(logRatio: s, varied: varied).slope
                XCTAssertEqual(slope, numeric, accuracy: 1e-8 + 1e-6 * abs(slope), "s = \(s), varied \(varied)")
            }
        }
        // c = 1/(1 + e^30) ≈ 9.4e-14: (1 − c)² must not be 1 for S₁ at s = −30 … it is c² that is tiny for S₀ at s = 30.
        XCTAssertEqual(DeltaLoss.term(logRatio: 30, varied: true).value, Foundation.exp(-60), accuracy: 1e-3 * Foundation.exp(-60))
        XCTAssertEqual(DeltaLoss.term(logRatio: -30, varied: false).value, Foundation.exp(-60), accuracy: 1e-3 * Foundation.exp(-60))
    }

    // MARK: - Points and samples

    func testPointsMustComeInPlusMinusPairs() {
        XCTAssertNoThrow(try ShapeTrainingData.checkPoints([0.15, -0.15, 0.3, -0.3]))
        XCTAssertNoThrow(try ShapeTrainingData.checkPoints([-0.3, 0.15, 0.3, -0.15]))
        func message(_ nus: [Double]) -> String {
            do { try ShapeTrainingData.checkPoints(nus); return "" } catch { return "\(error)" }
        }
        XCTAssertEqual(message([0.15, -0.15, 0.3]), "nuisance point 0.3 has no partner -0.3: the points must come in ± pairs")
        XCTAssertTrue(message([0, 0.1, -0.1]).hasPrefix("nuisance point 0 carries no information"))
        XCTAssertEqual(message([0.1, -0.1, 0.1]), "nuisance point 0.1 is given twice")
        XCTAssertEqual(message([.nan, 0.1, -0.1]), "nuisance point nan is not a finite number")
        XCTAssertTrue(message([]).hasPrefix("no nuisance points"))
        XCTAssertThrowsError(try ScaleNuisance1D.samples(nus: [0.3], events: 10, seed: 1))
    }

    func testWeightedSamplesRefuseBadWeights() {
        let events = EventSet([1, 2, 3])
        XCTAssertThrowsError(try WeightedSample(events: events, weights: [1, 2]))
        XCTAssertThrowsError(try WeightedSample(events: events, weights: [1, -2, 1]))
        XCTAssertThrowsError(try WeightedSample(events: events, weights: [1, .nan, 1]))
        XCTAssertThrowsError(try WeightedSample(events: events, weights: [0, 0, 0]))
        XCTAssertThrowsError(try WeightedSample(events: events, total: 0))
        XCTAssertThrowsError(try WeightedSample(events: EventSet([]), total: 1))
        XCTAssertEqual(try WeightedSample(events: events, total: 6).weights, [2, 2, 2])
    }

    func testBuiltinSamplesAreReproducibleAndScaled() throws {
        let a = try ScaleNuisance1D.samples(nus: [0.3, -0.3], events: 2000, seed: 4)
        let b = try ScaleNuisance1D.samples(nus: [0.3, -0.3], events: 2000, seed: 4)
        XCTAssertEqual(a.samples, b.samples)
        // S₀(ν) ~ e^ν·Exp(1): its mean is e^ν (±3 standard errors e^ν/√N).
        for point in a.points {
            let mean = a.samples[point.varied].events.features.reduce(0.0) { $0 + Double($1) } / 2000
            XCTAssertEqual(mean, Foundation.exp(point.nu), accuracy: 3 * Foundation.exp(point.nu) / 2000.0.squareRoot())
            XCTAssertEqual(a.samples[point.central].total, 2000, accuracy: 1e-9)
        }
    }

    func testExactCoefficientsAreTheTaylorSeriesOfTheExactLogRatio() {
        for x in [0.0, 0.4, 1.7, 5.0] {
            for nu in [-0.05, 0.03] {
                let series = (1...4).reduce(0.0) { $0 + DeltaNetworks.taylorFactor(nu: nu, k: $1) * ScaleShapeEffect.coefficient($1, x: x) }
                // The remainder is about |ν|⁵/5!·x ≤ 1.4e-8 here.
                XCTAssertEqual(series, ScaleShapeEffect.exactLogRatio(x: x, nu: nu), accuracy: 2e-8)
            }
        }
    }
}

/// The model file and its loader.
final class NuisanceDeltaModelFileTests: XCTestCase {
    func model(layers: [Int] = [1, 4, 1], order: Int = 2) throws -> DeltaModelFile {
        var random = TestRandom(31)
        let architecture = try Architecture(layers)
        // Parameters with every kind of bit pattern a Double can carry into JSON.
        var parameters = random.parameters(architecture, fits: order).map { $0 * 1e3 / 7 }
        parameters[0] = 0.1 + 0.2
        parameters[1] = -Double.ulpOfOne
        parameters[2] = Double.leastNonzeroMagnitude
        parameters[3] = -0.0
        let networks = try DeltaNetworks(architecture: architecture, order: order, parameters: parameters)
        let data = try ScaleNuisance1D.samples(nus: [0.15, -0.15], events: 10, seed: 2)
        let result = DeltaTrainingResult(networks: networks, initialLoss: 1.0 / 3, finalLoss: 2.0 / 7,
                                         history: [HistoryPoint(epoch: 5, loss: 2.0 / 7)])
        let settings = DeltaTrainingSettings(source: "builtin-scale", files: nil, data: data,
                                             options: TrainingOptions(epochs: 5), seed: 2, result: result)
        return DeltaModelFile(networks: networks, points: [0.15, -0.15], training: settings)
    }

    func testRoundTripIsBitwise() throws {
        let folder = try CLI.temporaryDirectory(self)
        let path = folder.appendingPathComponent("delta.json").path
        let original = try model()
        try original.write(to: path, label: "\(path)")
        let effect = try LearnedShapeEffect(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(effect.networks.parameters.map(\.bitPattern), original.networks.parameters.map(\.bitPattern))
        XCTAssertEqual(effect.model.training.initialLoss.bitPattern, original.training.initialLoss.bitPattern)
        XCTAssertEqual(effect.model, original)
        XCTAssertEqual(try effect.model.encoded(), try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(effect.order, 2)
        XCTAssertEqual(effect.inputDimension, 1)
        XCTAssertEqual(effect.points, [0.15, -0.15])
    }

    func testCoefficientsAreTheNetworks() throws {
        let effect = try LearnedShapeEffect(model: try model(), label: "m")
        let events = EventSet([0.1, 1, 2.5])
        let coefficients = try effect.coefficients(for: events)
        XCTAssertEqual(coefficients.count, 2)
        for k in 1...2 {
            XCTAssertEqual(coefficients[k - 1], ReferenceNetwork.evaluate(architecture: effect.architecture,
                                                                          parameters: effect.networks.parameters(ofCoefficient: k), events: events))
        }
        let logR = try effect.logRatio(for: events, nu: 0.3)
        for i in 0..<3 { XCTAssertEqual(logR[i], 0.3 * coefficients[0][i] + 0.045 * coefficients[1][i], accuracy: 1e-12) }
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    func testLoaderRefusesWhatTheCallerCannotUse() throws {
        let effect = try LearnedShapeEffect(model: try model(), label: "--shape-model d.json")
        XCTAssertEqual(message { _ = try effect.coefficients(for: EventSet(dimension: 2, count: 1, features: [1, 2])) },
                       "--shape-model d.json: takes events of 1 feature(s) (architecture 1,4,1) but the samples have 2: give a δ̂ model trained on these features")
        XCTAssertEqual(message { try effect.require(order: 3) },
                       "--shape-model d.json: has order 2, not the order 3 asked for: train a model of order 3")
        XCTAssertEqual(message { try effect.require(architecture: try Architecture([1, 5, 1])) },
                       "--shape-model d.json: has architecture 1,4,1, not 1,5,1")
        XCTAssertNoThrow(try effect.require(inputDimension: 1, order: 2, architecture: try Architecture([1, 4, 1])))
    }

    func testLoaderRefusesBrokenFiles() throws {
        let folder = try CLI.temporaryDirectory(self)
        func write(_ edit: (inout [String: Any]) -> Void) throws -> String {
            var object = try JSONSerialization.jsonObject(with: try model().encoded()) as! [String: Any]
            edit(&object)
            let path = folder.appendingPathComponent("m\(UUID().uuidString).json").path
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
            return path
        }
        let cases: [((inout [String: Any]) -> Void, String)] = [
            ({ $0["architecture"] = [1, 5, 1] }, "network δ̂_1 holds 13 parameters; architecture 1,5,1 has 16"),
            ({ $0["inputDimension"] = 2 }, "says input dimension 2 but its architecture 1,4,1 takes 1"),
            ({ $0["order"] = 3 }, "holds 2 coefficient networks for order 3"),
            ({ $0["order"] = 5 }, "has order 5; a shape effect has order 1 to 4"),
            ({ $0["points"] = [0.15] }, "nuisance point 0.15 has no partner -0.15: the points must come in ± pairs"),
            ({ $0["format"] = "nplm-model" }, "is not a δ̂ model file written by nplm nuisance train"),
            ({ $0["parameters"] = nil }, "is not a δ̂ model file written by nplm nuisance train"),
        ]
        for (edit, expected) in cases {
            let path = try write(edit)
            XCTAssertEqual(message { _ = try LearnedShapeEffect(path: path, label: "M") }, "M: " + expected)
        }
        XCTAssertEqual(message { _ = try LearnedShapeEffect(path: folder.appendingPathComponent("none.json").path, label: "M") }, "M: no such file")
    }
}

/// Training on the built-in scale nuisance recovers the exact coefficients.
final class NuisanceDeltaTrainingTests: XCTestCase {
    /// Noise-free samples: S₁ the N quantiles of Exp(1), S₀(ν) the same quantiles times e^ν, so that
    /// a short training can be held to a tight tolerance without sampling noise.
    func quantileData(nus: [Double], events: Int) throws -> ShapeTrainingData {
        let quantiles = (0..<events).map { -Foundation.log(1 - (Double($0) + 0.5) / Double(events)) }
        return try ShapeTrainingData(points: nus.map { nu in
            (nu, try WeightedSample(events: EventSet(quantiles.map { Float(Foundation.exp(nu) * $0) }), total: 1000),
             try WeightedSample(events: EventSet(quantiles.map { Float($0) }), total: 1000))
        })
    }

    func testQuadraticTrainingRecoversTheExactCoefficients() throws {
        // A [1,3,1] network per coefficient, 200 events per sample, 300 full-batch Adam steps at a
        // learning rate of 0.05: about 2 s in a debug build.
        let data = try quantileData(nus: [0.15, -0.15, 0.3, -0.3], events: 200)
        let options = TrainingOptions(epochs: 300, optimizer: Adam(learningRate: 0.05))
        let result = try DeltaTraining.train(data: data, architecture: try Architecture([1, 3, 1]), order: 2, options: options, seed: 1)
        let grid = (0..<30).map { 0.1 + 2.9 * Double($0) / 29 }  // the bulk: 0.1 ≤ x ≤ 3 holds 85 % of b₀
        let coefficients = result.networks.coefficients(for: EventSet(grid.map(Float.init)))
        let d1 = zip(grid, coefficients[0]).map { abs($1 - ($0 - 1)) }.max()!
        let d2 = zip(grid, coefficients[1]).map { abs($1 + $0) }.max()!
        // Measured: 0.038 and 0.128. δ_2 is learned from the curvature ν²/2·δ_2 of the log-ratio,
        // 0.045·δ_2 at the largest point, hence its looser bound.
        XCTAssertLessThan(d1, 0.1, "max |δ̂_1 − (x − 1)| over 0.1 ≤ x ≤ 3")
        XCTAssertLessThan(d2, 0.3, "max |δ̂_2 + x| over 0.1 ≤ x ≤ 3")
        XCTAssertLessThan(result.finalLoss, result.initialLoss)
    }
}
