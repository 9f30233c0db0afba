import NPLMCore

extension ReferenceWeights {
    /// The weights a saved NPLM model was fitted with, on new samples: its own convention
    /// (N(R₀)/N_R with the saved N(R₀), N_D/N_R with these data, or per-event weights, which must
    /// then be given: `weightsLabel` names where they come from in errors).
    public static func forModel(_ model: SavedModel, modelLabel: ErrorText, perEvent weights: [Double]?, weightsLabel: ErrorText,
                                dataCount: Int, referenceCount: Int) throws -> ReferenceWeights {
        guard let normalisation = model.normalisation else {
            throw NPLMError.invalidInput(file: modelLabel, "is not an NPLM model (it has no normalisation)")
        }
        return try forSaved(normalisation: normalisation, expectedEvents: model.expectedEvents, modelLabel: modelLabel, perEvent: weights,
                            weightsLabel: weightsLabel, dataCount: dataCount, referenceCount: referenceCount)
    }

    /// The weights a saved kernel model was fitted with, on new samples, by the same rule.
    public static func forModel(_ model: KernelModelFile, modelLabel: ErrorText, perEvent weights: [Double]?, weightsLabel: ErrorText,
                                dataCount: Int, referenceCount: Int) throws -> ReferenceWeights {
        try forSaved(normalisation: model.normalisation, expectedEvents: model.expectedEvents, modelLabel: modelLabel, perEvent: weights,
                     weightsLabel: weightsLabel, dataCount: dataCount, referenceCount: referenceCount)
    }

    static func forSaved(normalisation: Normalisation, expectedEvents: Double?, modelLabel: ErrorText, perEvent weights: [Double]?,
                         weightsLabel: ErrorText, dataCount: Int, referenceCount: Int) throws -> ReferenceWeights {
        switch normalisation {
        case .weights:
            guard let weights else {
                throw NPLMError.invalidArgument("\(modelLabel) was fitted with reference weights: give them with \(weightsLabel)")
            }
            return perEvent(weights)
        case .expected, .observed:
            guard weights == nil else {
                throw NPLMError.invalidArgument("\(weightsLabel): \(modelLabel) was fitted with uniform reference weights (\(normalisation.rawValue) normalisation)")
            }
            if normalisation == .expected, let events = expectedEvents { return .expected(events, referenceCount: referenceCount) }
            return observed(dataCount: dataCount, referenceCount: referenceCount)
        }
    }
}
