import Foundation

/// A TF-IDF text vectoriser that gives the same vocabulary, idf and weights as scikit-learn's
/// `TfidfVectorizer` with its default tokeniser.
///
/// `fit` learns the vocabulary (terms kept by document frequency, sorted by Unicode code point)
/// and each term's inverse document frequency; `Model.transform` turns documents into a sparse
/// documents × terms matrix of term frequency × idf, each row scaled to unit L2 norm. The item
/// descriptions of the pipeline become vectors for content-based similarity this way.
public struct TFIDF: Sendable {
    public var configuration: Configuration

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Tokenising, vocabulary and weighting settings (scikit-learn's names in brackets).
    public struct Configuration: Sendable, Equatable, Codable {
        /// Lower-case text before tokenising, as Python's `str.lower()` (`lowercase`).
        public var lowercase: Bool
        /// Tokens dropped after tokenising, compared exactly (not lower-cased) (`stop_words`).
        public var stopWords: Set<String>
        /// The fewest documents a term must occur in to be kept, a count (`min_df`, an int).
        public var minDF: Int
        /// The largest share of documents a term may occur in: kept when
        /// `df ≤ maxDF × documents` (`max_df`, a float).
        public var maxDF: Double
        /// Use `1 + ln(tf)` instead of the raw count `tf` (`sublinear_tf`).
        public var sublinearTF: Bool
        /// `idf = ln((1 + n) / (1 + df)) + 1`, as if one extra document held every term;
        /// otherwise `ln(n / df) + 1` (`smooth_idf`).
        public var smoothIDF: Bool
        /// Scale each document's row to unit L2 norm (`norm="l2"`; `nil` when off).
        public var normalise: Bool

        public init(
            lowercase: Bool = true, stopWords: Set<String> = [], minDF: Int = 1, maxDF: Double = 1.0,
            sublinearTF: Bool = false, smoothIDF: Bool = true, normalise: Bool = true
        ) {
            self.lowercase = lowercase
            self.stopWords = stopWords
            self.minDF = minDF
            self.maxDF = maxDF
            self.sublinearTF = sublinearTF
            self.smoothIDF = smoothIDF
            self.normalise = normalise
        }

        /// Throws the first value out of its range.
        public func validate() throws(Failure) {
            if minDF < 1 {
                throw .invalidParameter(name: "min_df", expected: "≥ 1", got: "\(minDF)")
            }
            if !(maxDF > 0 && maxDF <= 1) {
                throw .invalidParameter(name: "max_df", expected: "in (0, 1]", got: "\(maxDF)")
            }
        }
    }

    /// Why a fit failed.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case invalidParameter(name: String, expected: String, got: String)
        /// No document held a token that is not a stop word.
        case emptyVocabulary(documents: Int)
        /// `maxDF × documents` is below `minDF`, so no term could be kept.
        case maxDFBelowMinDF(maxDocuments: Double, minDF: Int)
        /// Every term fell outside `minDF ... maxDF × documents`.
        case noTermsAfterPruning(minDF: Int, maxDocuments: Double)

        public var description: String {
            switch self {
            case .invalidParameter(let name, let expected, let got):
                "TF-IDF \(name) must be \(expected), got \(got)"
            case .emptyVocabulary(let documents):
                "TF-IDF found no terms in \(documents) documents; perhaps they hold only stop words "
                    + "or one-character tokens"
            case .maxDFBelowMinDF(let maxDocuments, let minDF):
                "TF-IDF max_df allows at most \(maxDocuments) documents, expected ≥ min_df = \(minDF)"
            case .noTermsAfterPruning(let minDF, let maxDocuments):
                "TF-IDF kept no terms: every term occurs in fewer than \(minDF) or more than "
                    + "\(maxDocuments) documents; lower min_df or raise max_df"
            }
        }
    }

    /// Learns the vocabulary and idf from `documents`.
    public func fit(_ documents: [String]) throws(Failure) -> Model {
        try configuration.validate()
        let stopTable = TokenTable(configuration.stopWords.sorted())
        var table = TokenTable()
        var frequencies: [Int] = []
        var lastDocument: [Int] = []
        var tokeniser = TextTokeniser(lowercase: configuration.lowercase)
        for (d, document) in documents.enumerated() {
            tokeniser.tokenise(document)
            tokeniser.forEachToken { token in
                if stopTable.index(of: token) != nil { return }
                let (i, inserted) = table.insert(token)
                if inserted {
                    frequencies.append(0)
                    lastDocument.append(-1)
                }
                if lastDocument[Int(i)] != d {
                    lastDocument[Int(i)] = d
                    frequencies[Int(i)] += 1
                }
            }
        }
        guard table.count > 0 else { throw .emptyVocabulary(documents: documents.count) }
        let maxDocuments = configuration.maxDF * Double(documents.count)
        if maxDocuments < Double(configuration.minDF) {
            throw .maxDFBelowMinDF(maxDocuments: maxDocuments, minDF: configuration.minDF)
        }
        var kept = (0..<table.count).filter {
            frequencies[$0] >= configuration.minDF && Double(frequencies[$0]) <= maxDocuments
        }
        guard !kept.isEmpty else {
            throw .noTermsAfterPruning(minDF: configuration.minDF, maxDocuments: maxDocuments)
        }
        kept.sort { table.precedes($0, $1) }
        let df = kept.map { frequencies[$0] }
        return Model(
            configuration: configuration, terms: kept.map { table.string(at: $0) }, documentFrequencies: df,
            idf: df.map { Self.idf(documentFrequency: $0, documents: documents.count, smooth: configuration.smoothIDF) }
        )
    }

    /// Fits on `documents` and returns the model with their weights.
    public func fitTransform(_ documents: [String]) throws(Failure) -> (model: Model, weights: SparseMatrix) {
        let model = try fit(documents)
        return (model, model.transform(documents))
    }

    /// `ln((n + 1) / (df + 1)) + 1` when smoothed, else `ln(n / df) + 1` (the division in floating
    /// point first, as scikit-learn does).
    static func idf(documentFrequency df: Int, documents n: Int, smooth: Bool) -> Double {
        let extra = smooth ? 1.0 : 0.0
        return log((Double(n) + extra) / (Double(df) + extra)) + 1
    }

    /// The tokens scikit-learn's default analyzer would give for `text` (before stop words).
    public static func tokens(in text: String, lowercase: Bool = true) -> [String] {
        var tokeniser = TextTokeniser(lowercase: lowercase)
        tokeniser.tokenise(text)
        var out: [String] = []
        tokeniser.forEachToken { out.append(String(decoding: $0, as: UTF8.self)) }
        return out
    }
}
