/// The words the synthetic business is made of: categories, brands, product nouns, cities.
///
/// Natural text never holds a newline, so a CSV record is always one physical line; some titles,
/// descriptions and queries hold commas and double quotes, and some names are non-ASCII, so
/// readers must quote and decode properly.
enum Vocabulary {
    struct Category {
        let name: String
        /// Product nouns; a title is "<brand> <adjective> <noun>", a query is built from nouns and brands.
        let nouns: [String]
        /// Median list price in cents; prices spread log-normally around it.
        let medianPriceCents: Double
    }

    static let categories: [Category] = [
        Category(
            name: "Electronics", nouns: ["Headphones", "Speaker", "Charger", "Keyboard", "Monitor", "Webcam"],
            medianPriceCents: 8_900),
        Category(
            name: "Home & Kitchen", nouns: ["Blender", "Kettle", "Pan", "Knife Set", "Toaster", "Coffee Grinder"],
            medianPriceCents: 4_500),
        Category(
            name: "Fashion", nouns: ["Jacket", "Sneakers", "Scarf", "Jeans", "Dress", "Backpack"],
            medianPriceCents: 5_500),
        Category(
            name: "Beauty", nouns: ["Serum", "Shampoo", "Face Cream", "Lipstick", "Perfume", "Sunscreen"],
            medianPriceCents: 2_200),
        Category(
            name: "Sports & Outdoors",
            nouns: ["Yoga Mat", "Tent", "Running Shoes", "Water Bottle", "Bike Light", "Dumbbells"],
            medianPriceCents: 3_900),
        Category(
            name: "Books", nouns: ["Cookbook", "Novel", "Travel Guide", "Notebook", "Atlas", "Comic"],
            medianPriceCents: 1_800),
        Category(
            name: "Toys & Games",
            nouns: ["Puzzle", "Board Game", "Building Blocks", "Plush Bear", "Card Game", "Kite"],
            medianPriceCents: 2_600),
        Category(
            name: "Grocery", nouns: ["Coffee Beans", "Green Tea", "Olive Oil", "Dark Chocolate", "Granola", "Honey"],
            medianPriceCents: 900),
        Category(
            name: "Garden", nouns: ["Watering Can", "Seed Kit", "Pruning Shears", "Planter", "Hose", "Bird Feeder"],
            medianPriceCents: 2_900),
        Category(
            name: "Pet Supplies", nouns: ["Dog Bed", "Cat Tree", "Leash", "Pet Food", "Chew Toy", "Litter Box"],
            medianPriceCents: 3_200),
    ]

    static let adjectives = [
        "Compact", "Classic", "Pro", "Everyday", "Deluxe", "Eco", "Smart", "Mini", "Ultra", "Essential",
        "Vintage", "Travel", "Premium", "Lite", "Family",
    ]

    /// Brands; a few are non-ASCII.
    static let brands = [
        "Acme", "Northwind", "Lumen", "Brightside", "Kestrel", "Otter & Co", "Fjällräv", "Müller", "Solano",
        "Papillon", "Tundra", "Verde", "Hikari", "Crestline", "Bramble", "Åkerlund", "Zephyr", "Marlowe",
        "Cobalt", "Saffron", "Juniper", "Ironwood", "Nimbus", "Côte", "Pinecrest",
    ]

    /// Sentence templates for descriptions; `{A}` is the article (A or An), `{a}` the adjective, `{n}` the noun, `{b}` the brand.
    /// Some hold commas and double quotes, which CSV doubles inside a quoted field.
    static let descriptionTemplates = [
        "{A} {a} {n} for everyday use.",
        "The {a} {n} from {b}, built to last.",
        "Our best-selling {n}, now lighter, quieter and easier to clean.",
        "{A} \"{a}\" take on the classic {n}.",
        "{b} calls it \"the only {n} you need\", and our customers agree.",
        "Simple, sturdy, and made for daily use.",
        "A {n} that fits in a drawer.",
        "Rated 4.8 by reviewers who said it \"just works\".",
    ]

    /// Extra query words; two natural queries hold a comma or double quotes.
    static let queryExtras = ["cheap", "best", "gift", "sale", "new", "for kids"]
    static let quotedQueries = ["\"organic\" tea", "usb-c charger, 2m"]

    struct City {
        let name: String
        let weight: Double
        /// Median income in cents.
        let medianIncomeCents: Double
    }

    /// Cities; three non-ASCII names and one with a comma.
    static let cities: [City] = [
        City(name: "London", weight: 12, medianIncomeCents: 5_200_000),
        City(name: "Berlin", weight: 10, medianIncomeCents: 4_600_000),
        City(name: "Paris", weight: 9, medianIncomeCents: 4_800_000),
        City(name: "New York", weight: 11, medianIncomeCents: 6_800_000),
        City(name: "Zürich", weight: 4, medianIncomeCents: 9_200_000),
        City(name: "São Paulo", weight: 6, medianIncomeCents: 2_400_000),
        City(name: "Kraków", weight: 5, medianIncomeCents: 2_600_000),
        City(name: "Washington, D.C.", weight: 5, medianIncomeCents: 7_100_000),
        City(name: "Madrid", weight: 6, medianIncomeCents: 3_500_000),
        City(name: "Toronto", weight: 6, medianIncomeCents: 5_400_000),
        City(name: "Amsterdam", weight: 5, medianIncomeCents: 5_000_000),
        City(name: "Lisbon", weight: 4, medianIncomeCents: 2_900_000),
        City(name: "Stockholm", weight: 4, medianIncomeCents: 5_100_000),
        City(name: "Malmö", weight: 3, medianIncomeCents: 4_400_000),
        City(name: "Chicago", weight: 6, medianIncomeCents: 5_900_000),
        City(name: "Sydney", weight: 5, medianIncomeCents: 6_000_000),
    ]
}
