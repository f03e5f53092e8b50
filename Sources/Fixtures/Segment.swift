/// A latent customer segment: how often its customers come, what they do in a session, what they
/// buy and how likely they are to leave. `truth.json` lists these definitions with each customer's segment.
public struct Segment: Sendable {
    /// Which of two candidate items a customer prefers when choosing.
    public enum PricePreference: String, Sendable {
        /// The dearer of two candidates.
        case high
        /// The cheaper of two candidates.
        case low
        /// The first candidate.
        case neutral
    }

    public let name: String
    public let summary: String
    /// Share of customers.
    public let share: Double
    /// Relative rate of sessions per active day; the event budget of a day is shared in proportion to it.
    public let frequencyWeight: Double
    public let searchProbability: Double
    /// Mean number of item views per session beyond the first.
    public let meanExtraViews: Double
    public let cartProbability: Double
    public let purchaseGivenCart: Double
    public let ratingProbability: Double
    public let pricePreference: PricePreference
    /// Largest natural quantity of a cart or purchase (never above 5).
    public let maxQuantity: Int
    /// Share of the segment's customers who churn (stop all activity at least 31 days before the end).
    public let churnRate: Double
    /// When set, customers sign up within this many days of the end instead of before the window.
    public let signupWithinLastDays: Int?
    /// Multiplies the city's median income.
    public let incomeMultiplier: Double
    /// Weight of each category in `Vocabulary.categories` order.
    public let categoryWeights: [Double]

    /// The four segments, in id order.
    public static let all: [Segment] = [
        Segment(
            name: "loyal_high_spenders",
            summary: "Frequent, recent, buy often and choose dearer items; rarely churn.",
            share: 0.20, frequencyWeight: 3.0, searchProbability: 0.15, meanExtraViews: 1.5,
            cartProbability: 0.55, purchaseGivenCart: 0.85, ratingProbability: 0.15, pricePreference: .high,
            maxQuantity: 3, churnRate: 0.08, signupWithinLastDays: nil, incomeMultiplier: 1.6,
            categoryWeights: [5, 4, 2, 1, 2, 1, 1, 1, 2, 1]),
        Segment(
            name: "bargain_hunters",
            summary: "Regular visitors who search and compare a lot and buy the cheaper items.",
            share: 0.30, frequencyWeight: 1.5, searchProbability: 0.50, meanExtraViews: 3.5,
            cartProbability: 0.35, purchaseGivenCart: 0.60, ratingProbability: 0.08, pricePreference: .low,
            maxQuantity: 5, churnRate: 0.20, signupWithinLastDays: nil, incomeMultiplier: 0.8,
            categoryWeights: [1, 2, 4, 4, 1, 1, 3, 5, 1, 2]),
        Segment(
            name: "occasional_browsers",
            summary: "Rare visits, mostly views, few purchases; the most likely to churn.",
            share: 0.35, frequencyWeight: 0.4, searchProbability: 0.25, meanExtraViews: 1.5,
            cartProbability: 0.12, purchaseGivenCart: 0.50, ratingProbability: 0.05, pricePreference: .neutral,
            maxQuantity: 2, churnRate: 0.30, signupWithinLastDays: nil, incomeMultiplier: 1.0,
            categoryWeights: [2, 1, 3, 1, 2, 5, 1, 1, 2, 2]),
        Segment(
            name: "new_and_curious",
            summary: "Signed up in the last 45 days; very active since, search-led, never churned.",
            share: 0.15, frequencyWeight: 2.0, searchProbability: 0.60, meanExtraViews: 2.5,
            cartProbability: 0.30, purchaseGivenCart: 0.60, ratingProbability: 0.10, pricePreference: .neutral,
            maxQuantity: 2, churnRate: 0, signupWithinLastDays: 45, incomeMultiplier: 1.0,
            categoryWeights: [3, 1, 3, 3, 4, 1, 2, 1, 1, 1]),
    ]
}
