/// The most popular items, overall or within the customer's group (a segment, a region): the
/// baseline every personalised model must beat, and the fallback for customers with no history.
public enum PopularityRecommender {
    public struct Configuration: Sendable, Codable, Equatable {
        /// What makes an item popular.
        public enum Counting: String, Sendable, Codable, CaseIterable {
            /// How many distinct customers interacted with it.
            case distinctCustomers = "distinct_customers"
            /// The sum of its interaction strengths.
            case strengthSum = "strength_sum"
        }

        public var counting: Counting

        public init(counting: Counting = .distinctCustomers) { self.counting = counting }

        /// Decodes from the keys present; absent ones keep the defaults of `init`.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            counting = try c.decodeIfPresent(Counting.self, forKey: .counting) ?? Self().counting
        }
    }

    /// Item popularity from `interactions` (customers × items). With `groups` (one id per
    /// customer in `0 ..< groupCount`, or −1 for none) it also counts popularity within each group.
    public static func fit(
        _ interactions: SparseMatrix, configuration: Configuration = Configuration(), groups: [Int32]? = nil,
        groupCount: Int = 0
    ) throws(RecommendConfigurationError) -> Model {
        typealias E = RecommendConfigurationError
        try E.require(groupCount >= 0, "popularity.group_count", "≥ 0", groupCount)
        let items = interactions.columns
        var overall = [Double](repeating: 0, count: items)
        var byGroup = [Double](repeating: 0, count: groupCount * items)
        var customerGroups: [Int32] = []
        if let groups {
            try E.requireShape(
                groups.count == interactions.rows, "popularity groups", "one group per customer (\(interactions.rows))",
                groups.count)
            for g in groups {
                try E.require(g >= -1 && Int(g) < groupCount, "popularity group id", "in -1..<\(groupCount)", g)
            }
            customerGroups = groups
        }
        for u in 0..<interactions.rows {
            let group = groups.map { Int($0[u]) } ?? -1
            for p in interactions.range(ofRow: u) {
                let i = Int(interactions.columnIndices[p])
                let amount = configuration.counting == .distinctCustomers ? 1 : interactions.values[p]
                overall[i] += amount
                if group >= 0 { byGroup[group * items + i] += amount }
            }
        }
        return Model(
            itemScores: overall, groupItemScores: byGroup, groupCount: groupCount, customerGroups: customerGroups)
    }

    /// Fitted popularity: plain score tables.
    public struct Model: Recommender, Equatable {
        /// Per item: its popularity over all customers.
        public let itemScores: [Double]
        /// Groups × items, row-major: popularity within each group.
        public let groupItemScores: [Double]
        public let groupCount: Int
        /// Per training customer: their group, or −1; empty when fitted without groups.
        public let customerGroups: [Int32]

        public init(itemScores: [Double], groupItemScores: [Double], groupCount: Int, customerGroups: [Int32]) {
            precondition(groupItemScores.count == groupCount * itemScores.count, "group scores must be groups × items")
            self.itemScores = itemScores
            self.groupItemScores = groupItemScores
            self.groupCount = groupCount
            self.customerGroups = customerGroups
        }

        public var name: String { "popularity" }
        public var itemCount: Int { itemScores.count }

        /// The score row of `group`, or the overall one for an unknown group.
        public func scores(group: Int?) -> ArraySlice<Double> {
            guard let group, group >= 0, group < groupCount else { return itemScores[...] }
            return groupItemScores[group * itemCount..<(group + 1) * itemCount]
        }

        /// The popularity within the customer's group when the model knows it, else overall.
        public func scores(user: Int?, history: History, into scores: UnsafeMutableBufferPointer<Double>) {
            precondition(scores.count == itemCount, "scores must have \(itemCount) slots, got \(scores.count)")
            let group = user.flatMap { $0 < customerGroups.count ? Int(customerGroups[$0]) : nil }
            _ = scores.update(fromContentsOf: self.scores(group: group))
        }

        /// Popularity does not come from the history, so nothing in it is the reason.
        public func strongestContributor(user: Int?, history: History, item: Int) -> Int32? { nil }
    }
}
