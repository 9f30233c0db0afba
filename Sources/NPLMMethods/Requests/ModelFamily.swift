/// The model family a command fits (`--model`, Python's `model=`).
public enum ModelFamily: String, CaseIterable, Sendable {
    /// The neural network of the NPLM papers (architecture, epochs, Adam).
    case network
    /// The Gaussian-kernel model with Nyström centres (Letizia et al.), Falkon-style solver.
    case kernel
}
