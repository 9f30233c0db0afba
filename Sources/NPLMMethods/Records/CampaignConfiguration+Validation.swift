import NPLMCore
import NPLMData

extension CampaignConfiguration {
    /// The library's check of a configuration's sizes and values, whatever built it (a front end's
    /// `ToyCampaignRequest` checks its options first, with the same limits): N(R₀) in [1e-6, 1e8]
    /// (`SampleSize.checkExpected`), N_R, N_A, N_B and N_S at most 1e8, the nuisances' true values in
    /// `NuisanceRange`, the kernel model's options, and a reference sample per toy only where the
    /// test has one reference (the NPLM test without nuisances). `CampaignRun` calls it before
    /// anything else.
    public func validate() throws {
        try training.validate()
        if let benchmark {
            try SampleSize.checkExpected(benchmark.expectedBackground, parameter: .expected)
            try SampleSize.check(Double(benchmark.referenceSize), parameter: .referenceSize)
            try SampleSize.check(benchmark.signalEvents, parameter: .signalEvents, allowZero: true)
            if let nuisances {
                let truth = nuisances.truth(of: benchmark)
                try NuisanceRange.check(truth, sigmas: nuisances.sigmas, names: nuisances.names, option: "\(Parameter.nuisanceTruth)",
                                        symbol: "ν*", unitsOfSigma: false)
            }
        }
        if let mixture { try mixture.validate() }
        if let userSample {
            try SampleSize.checkExpected(userSample.expectedBackground, parameter: .expected)
            guard kernel != nil || userSample.dimension == architecture.inputDimension else {
                throw NPLMError.invalidArgument("\(Parameter.architecture) \(architecture) takes \(architecture.inputDimension) input feature(s) but the reference sample has \(userSample.dimension) per event: make the first layer width \(userSample.dimension)")
            }
        }
        if let samples {
            try SampleSize.check(samples.expectedA, parameter: .sizeA)
            try SampleSize.check(samples.expectedB, parameter: .sizeB)
            try SampleSize.check(samples.signalEvents, parameter: .signalEvents, allowZero: true)
        }
        try kernel?.validate()
        if referenceSample == .toy {
            if samples != nil {
                throw NPLMError.invalidArgument("\(Parameter.referenceSample) toy belongs to \(Parameter.preset) nplm: the two-sample toys draw both samples per toy already")
            }
            if userSample != nil {
                throw NPLMError.invalidArgument("\(Parameter.referenceSample) toy draws a reference per toy from a benchmark; the toys of \(Parameter.reference) share that one sample: leave it out")
            }
            if nuisances != nil {
                throw NPLMError.invalidArgument("\(Parameter.referenceSample) toy is not supported with \(Parameter.nuisances) yet (their reference offsets are computed once per campaign): leave it out")
            }
        }
    }
}
