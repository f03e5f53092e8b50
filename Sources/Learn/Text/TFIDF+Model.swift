import Foundation
import Frame

extension TFIDF {
    /// A fitted vocabulary with its document frequencies and idf weights.
    ///
    /// The arrays are parallel, one entry per term, so the model saves as one table and reloads
    /// through `init(configuration:terms:documentFrequencies:idf:)`.
    public struct Model: Sendable, Equatable {
        /// The settings it was fitted with; `transform` uses the tokenising and weighting ones.
        public let configuration: Configuration
        /// The vocabulary, in Unicode code point (UTF-8 byte) order; term `j` is column `j`.
        public let terms: [String]
        /// `documentFrequencies[j]`: how many fitting documents contain term `j` (a count).
        public let documentFrequencies: [Int]
        /// `idf[j]`: term `j`'s inverse document frequency (natural log, plus 1).
        public let idf: [Double]
        private let vocabulary: TokenTable
        private let stopTable: TokenTable

        /// Wraps saved arrays; `terms` must be distinct and the three arrays the same length.
        public init(configuration: Configuration, terms: [String], documentFrequencies: [Int], idf: [Double]) {
            precondition(
                terms.count == documentFrequencies.count && terms.count == idf.count,
                "TF-IDF model arrays differ in length: \(terms.count) terms, "
                    + "\(documentFrequencies.count) document frequencies, \(idf.count) idf")
            let vocabulary = TokenTable(terms)
            precondition(vocabulary.count == terms.count, "TF-IDF model terms are not distinct")
            self.configuration = configuration
            self.terms = terms
            self.documentFrequencies = documentFrequencies
            self.idf = idf
            self.vocabulary = vocabulary
            self.stopTable = TokenTable(configuration.stopWords.sorted())
        }

        public static func == (a: Model, b: Model) -> Bool {
            a.configuration == b.configuration && a.terms == b.terms
                && a.documentFrequencies == b.documentFrequencies && a.idf == b.idf
        }

        /// The documents × terms weights of `documents`: term frequency × idf, rows scaled to
        /// unit L2 norm when `normalise` is on (a row with no known term stays empty).
        ///
        /// Documents are split into fixed blocks worked on in parallel; each block's rows are
        /// computed alone and the blocks are joined in order, so the result does not depend on the
        /// thread count.
        public func transform(_ documents: [String]) -> SparseMatrix {
            let blockSize = 256
            let blockCount = (documents.count + blockSize - 1) / blockSize
            let blocks = ParallelWork.map(count: blockCount, parallel: blockCount > 1) { b in
                weights(documents, from: b * blockSize, to: min(documents.count, (b + 1) * blockSize))
            }
            var rowOffsets = [0]
            rowOffsets.reserveCapacity(documents.count + 1)
            var columns: [Int32] = []
            var values: [Double] = []
            columns.reserveCapacity(blocks.reduce(0) { $0 + $1.columns.count })
            values.reserveCapacity(columns.capacity)
            for block in blocks {
                for length in block.rowLengths { rowOffsets.append(rowOffsets[rowOffsets.count - 1] + length) }
                columns.append(contentsOf: block.columns)
                values.append(contentsOf: block.values)
            }
            return SparseMatrix(
                rows: documents.count, columns: terms.count, rowOffsets: rowOffsets, columnIndices: columns,
                values: values)
        }

        private struct Block: Sendable {
            var rowLengths: [Int] = []
            var columns: [Int32] = []
            var values: [Double] = []
        }

        /// The rows of documents `start ..< end`.
        private func weights(_ documents: [String], from start: Int, to end: Int) -> Block {
            var block = Block()
            var tokeniser = TextTokeniser(lowercase: configuration.lowercase)
            var found: [Int32] = []
            for d in start..<end {
                tokeniser.tokenise(documents[d])
                found.removeAll(keepingCapacity: true)
                tokeniser.forEachToken { token in
                    if stopTable.index(of: token) != nil { return }
                    if let j = vocabulary.index(of: token) { found.append(j) }
                }
                found.sort()
                let rowStart = block.values.count
                var p = 0
                while p < found.count {
                    var q = p + 1
                    while q < found.count && found[q] == found[p] { q += 1 }
                    let count = Double(q - p)
                    let tf = configuration.sublinearTF ? log(count) + 1 : count
                    block.columns.append(found[p])
                    block.values.append(tf * idf[Int(found[p])])
                    p = q
                }
                if configuration.normalise {
                    // Sum of squares in column order, then one division each: scikit-learn's order.
                    var sum = 0.0
                    for k in rowStart..<block.values.count { sum += block.values[k] * block.values[k] }
                    if sum > 0 {
                        let norm = sum.squareRoot()
                        for k in rowStart..<block.values.count { block.values[k] /= norm }
                    }
                }
                block.rowLengths.append(block.values.count - rowStart)
            }
            return block
        }
    }
}
