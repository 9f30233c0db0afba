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
            if normalisation == .expected, let events = model.expectedEvents { return .expected(events, referenceCount: referenceCount) }
            return observed(dataCount: dataCount, referenceCount: referenceCount)
        }
    }
}
