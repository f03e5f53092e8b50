import Foundation

/// The random numbers of every seeded model (ALS initialisation, k-means++, SGD order, k-fold
/// assignment): SplitMix64, so a seed gives the same stream on every platform and run.
///
/// Parallel work derives one generator per task with `derived(_:)` rather than sharing one, so
/// results do not depend on which thread ran which task.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A standard normal deviate (Box–Muller; one of the pair is discarded to keep the stream simple).
    public mutating func nextGaussian() -> Double {
        var u = nextUnit()
        while u == 0 { u = nextUnit() }
        let v = nextUnit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// An independent generator for task `index` (a user, a fold, a restart).
    public func derived(_ index: Int) -> SeededRandom {
        var g = SeededRandom(seed: state ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
        _ = g.next()
        return g
    }
}
