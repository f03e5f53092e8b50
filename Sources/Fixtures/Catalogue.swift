import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The item catalogue, with each item's latent co-purchase factor and the lookup tables the event
/// simulator draws items from.
///
/// An item has one dominant latent factor of `factorCount`; customers lean to one or two factors, so
/// items sharing a factor are bought by the same people more often than chance (the co-purchase
/// structure `truth.json` records as `items[].factor`).
struct Catalogue {
    static let factorCount = 8

    struct Item {
        let id: Int64
        let title: String
        let description: String
        let category: Int
        let brand: Int
        let priceCents: Int64
        let factor: Int
        /// Relative popularity within its (category, factor) bucket.
        let popularity: Double
    }

    let items: [Item]
    /// Item indices by `category * factorCount + factor`, with cumulative popularity for drawing.
    private let buckets: [[Int]]
    private let bucketCumulative: [[Double]]
    /// Item indices by category, for buckets that are empty.
    private let byCategory: [[Int]]
    private let categoryCumulative: [[Double]]
    /// Query texts, and the queries of each category (indices into `queries`).
    let queries: [String]
    let queriesByCategory: [[Int]]

    init(count: Int, seed: UInt64) {
        var random = FixtureRandom(seed: seed, stream: "catalogue")
        let categories = Vocabulary.categories
        var items: [Item] = []
        items.reserveCapacity(count)
        for index in 0..<count {
            // The first categories × factors items cover every bucket once; the rest are drawn.
            let category: Int
            let factor: Int
            let covering = categories.count * Self.factorCount
            if index < covering && count >= covering {
                category = index / Self.factorCount
                factor = index % Self.factorCount
            } else {
                category = random.below(categories.count)
                factor = random.below(Self.factorCount)
            }
            let brand = random.below(Vocabulary.brands.count)
            let noun = random.pick(categories[category].nouns)
            let adjective = random.pick(Vocabulary.adjectives)
            let brandName = Vocabulary.brands[brand]
            let template = random.pick(Vocabulary.descriptionTemplates)
            let article = "aeiou".contains(adjective.lowercased().first!) ? "An" : "A"
            let description =
                template
                .replacingOccurrences(of: "{A}", with: article)
                .replacingOccurrences(of: "{a}", with: adjective.lowercased())
                .replacingOccurrences(of: "{n}", with: noun.lowercased())
                .replacingOccurrences(of: "{b}", with: brandName)
            // Log-normal around the category median, rounded to .99, within 1.99 ... 1999.99.
            let raw = categories[category].medianPriceCents * exp(0.55 * random.normal())
            let whole = min(1_999, max(1, Int64((raw / 100).rounded())))
            let popularity = 1 / pow(Double(1 + random.below(50)), 0.8)
            items.append(
                Item(
                    id: Int64(index + 1), title: "\(brandName) \(adjective) \(noun)", description: description,
                    category: category, brand: brand, priceCents: whole * 100 + 99, factor: factor,
                    popularity: popularity))
        }
        self.items = items

        var buckets = [[Int]](repeating: [], count: categories.count * Self.factorCount)
        var byCategory = [[Int]](repeating: [], count: categories.count)
        for (i, item) in items.enumerated() {
            buckets[item.category * Self.factorCount + item.factor].append(i)
            byCategory[item.category].append(i)
        }
        func cumulative(_ indices: [Int]) -> [Double] {
            var total = 0.0
            return indices.map {
                total += items[$0].popularity; return total
            }
        }
        self.buckets = buckets
        self.bucketCumulative = buckets.map(cumulative)
        self.byCategory = byCategory
        self.categoryCumulative = byCategory.map(cumulative)

        var queries: [String] = []
        var queriesByCategory = [[Int]](repeating: [], count: categories.count)
        for (c, category) in categories.enumerated() {
            for noun in category.nouns {
                queriesByCategory[c].append(queries.count)
                queries.append(noun.lowercased())
                queriesByCategory[c].append(queries.count)
                queries.append(
                    "\(Vocabulary.queryExtras[queries.count % Vocabulary.queryExtras.count]) \(noun.lowercased())")
            }
            for b in stride(from: c % 3, to: Vocabulary.brands.count, by: 3) {
                queriesByCategory[c].append(queries.count)
                queries.append(
                    "\(Vocabulary.brands[b].lowercased()) \(category.nouns[b % category.nouns.count].lowercased())")
            }
        }
        // The two queries that need CSV quoting belong to Grocery and Electronics.
        queriesByCategory[7].append(queries.count)
        queries.append(Vocabulary.quotedQueries[0])
        queriesByCategory[0].append(queries.count)
        queries.append(Vocabulary.quotedQueries[1])
        self.queries = queries
        self.queriesByCategory = queriesByCategory
    }

    /// An item of `category` with dominant `factor` (any factor if the bucket is empty), by popularity.
    func draw(category: Int, factor: Int, random: inout FixtureRandom) -> Int {
        let b = category * Self.factorCount + factor
        if !buckets[b].isEmpty { return buckets[b][random.index(cumulative: bucketCumulative[b])] }
        if !byCategory[category].isEmpty {
            return byCategory[category][random.index(cumulative: categoryCumulative[category])]
        }
        return random.below(items.count)
    }
}
