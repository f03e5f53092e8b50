/// Suggestions for misspelt keys and names.
public enum DidYouMean {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo:
    /// at most 2 edits, or at most a third of the word's length for longer words.
    public static func suggestion(for word: String, among candidates: [String]) -> String? {
        var best: (name: String, distance: Int)?
        for c in candidates where c != word {
            let d = levenshtein(word.lowercased(), c.lowercased())
            let limit = max(2, word.count / 3)
            guard d <= limit else { continue }
            if best == nil || d < best!.distance { best = (c, d) }
        }
        return best?.name
    }

    /// " (did you mean 'x'?)" or the empty string.
    public static func hint(for word: String, among candidates: [String]) -> String {
        suggestion(for: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// The number of single-character insertions, deletions and substitutions from `a` to `b`.
    public static func levenshtein(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars)
        let y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
