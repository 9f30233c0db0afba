extension Architecture {
    /// Glorot-uniform weights, U(−s, s) with s = √(6 / (n_in + n_out)), and zero biases, as Keras'
    /// default `Dense` initialisation. Drawn from `stream` in the flat layout order.
    public func glorotUniform(stream: inout RandomStream) -> [Double] {
        var parameters = [Double](repeating: 0, count: parameterCount)
        for l in 0..<layerCount {
            let nIn = layers[l], nOut = layers[l + 1]
            let scale = (6.0 / Double(nIn + nOut)).squareRoot()
            let offset = weightOffset(layer: l)
            for index in 0..<(nIn * nOut) {
                parameters[offset + index] = scale * (2 * stream.uniform() - 1)
            }
        }
        return parameters
    }

    /// The initial parameters of fit `toy` of a campaign: its own stream (seed, toy, initialization).
    public func initialParameters(seed: UInt64, toy: UInt32) -> [Double] {
        var stream = RandomStream(seed: seed, toy: toy, purpose: .initialization)
        return glorotUniform(stream: &stream)
    }
}
