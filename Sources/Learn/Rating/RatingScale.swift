/// The closed range predictions are clipped to, as surprise clips to its reader's rating scale.
public struct RatingScale: Sendable, Codable, Equatable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// `value` clipped into `lower ... upper` (upper bound first, as surprise does, so a NaN
    /// estimate stays NaN rather than silently becoming a bound).
    @inlinable public func clip(_ value: Double) -> Double {
        var v = value
        if v > upper { v = upper }
        if v < lower { v = lower }
        return v
    }

    /// Checks both bounds are finite and ordered.
    public func validate(name: String = "rating_scale") throws(RatingModelError) {
        guard lower.isFinite, upper.isFinite, lower <= upper else {
            throw .invalidParameter(
                name: name, expected: "finite bounds with lower ≤ upper", got: "\(lower)...\(upper)")
        }
    }
}
