import NPLMData

/// The parts of a configuration under the names of its JSON (and of the earlier optional
/// fields): each is nil where the campaign's `test` has no such part.
///
/// `@inline(never)`: inlined into `checkNull` (`NullCampaignCheck.swift`), these switches crash the Swift
/// 6.3.1 optimizer in release builds (CopyPropagation: "Found ownership error"); none is hot.
extension CampaignConfiguration {
    /// `.nplm` for the NPLM test, `.symmetric` for the two-sample test.
    @inline(never) public var preset: CampaignPreset {
        if case .twoSample = test { return .symmetric }
        return .nplm
    }

    /// The 1-D benchmark of an NPLM campaign (nil for the Gaussian mixture and two-sample campaigns).
    @inline(never) public var benchmark: Benchmark1D? {
        if case .nplm(.oneD(let benchmark, _)) = test { return benchmark }
        return nil
    }

    /// The Gaussian mixture of an NPLM campaign (nil otherwise).
    @inline(never) public var mixture: GaussianMixtureBenchmark? {
        if case .nplm(.gaussianMixture(let mixture)) = test { return mixture }
        return nil
    }

    /// The user's reference sample of an NPLM campaign of null toys drawn from it (nil otherwise).
    @inline(never) public var userSample: UserSampleToys? {
        if case .nplm(.userSample(let toys, _)) = test { return toys }
        return nil
    }

    /// The samples of a two-sample campaign (nil otherwise).
    @inline(never) public var samples: SymmetricToys? {
        if case .twoSample(let samples, _) = test { return samples }
        return nil
    }

    /// The statistic of a two-sample campaign (nil otherwise).
    @inline(never) public var statistic: TwoSampleStatistic? {
        if case .twoSample(_, let statistic) = test { return statistic }
        return nil
    }

    /// The kernel model's options of a kernel campaign (nil for networks).
    @inline(never) public var kernel: KernelOptions? {
        if case .nplm(.oneD(_, .kernel(let options))) = test { return options }
        if case .nplm(.userSample(_, .kernel(let options))) = test { return options }
        return nil
    }

    /// The nuisances of a campaign with nuisance parameters, t = τ − Δ (nil otherwise).
    @inline(never) public var nuisances: NuisanceSettings? {
        if case .nplm(.oneD(_, .networkWithNuisances(let settings))) = test { return settings }
        return nil
    }
}
