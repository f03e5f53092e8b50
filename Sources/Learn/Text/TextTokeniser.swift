/// Splits text into scikit-learn's default tokens: the matches of `(?u)\b\w\w+\b` after Python's
/// `str.lower()`.
///
/// A token is a maximal run of at least two word characters, counted in Unicode scalars as
/// Python counts string length. A word character is what Python's `re` calls `\w`: a letter
/// (general category Lu, Ll, Lt, Lm, Lo), a character with a numeric type (decimal, digit or
/// numeric: Nd, Nl, No and numerals such as 一), or `_`. Combining marks are not word characters
/// in Python, so a decomposed "cafe\u{301}" gives the token "cafe" there and here. Tokens are
/// written as UTF-8 into one reused buffer, so tokenising allocates nothing per token.
struct TextTokeniser {
    let lowercase: Bool
    /// The current document's tokens as UTF-8, back to back.
    private(set) var bytes: [UInt8] = []
    /// Token `t` is `bytes[ends[t - 1] ..< ends[t]]` (with `ends[-1]` read as 0).
    private(set) var ends: [Int] = []
    private var source: [Unicode.Scalar] = []
    private var lowered: [Unicode.Scalar] = []

    init(lowercase: Bool) { self.lowercase = lowercase }

    /// Tokenises `text`, replacing the previous document's tokens.
    mutating func tokenise(_ text: String) {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        source.removeAll(keepingCapacity: true)
        source.append(contentsOf: text.unicodeScalars)
        if lowercase {
            lowered.removeAll(keepingCapacity: true)
            Self.lower(source, into: &lowered)
            swap(&source, &lowered)
        }
        var runLength = 0
        for scalar in source {
            if Self.isWordCharacter(scalar) {
                if runLength == 0 { ends.append(bytes.count) }  // provisional start
                runLength += 1
                Self.appendUTF8(scalar, to: &bytes)
            } else {
                closeRun(runLength)
                runLength = 0
            }
        }
        closeRun(runLength)
    }

    /// Calls `body` with each token's UTF-8 bytes, in document order.
    func forEachToken(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer { all in
            var start = 0
            for end in ends {
                body(UnsafeBufferPointer(rebasing: all[start..<end]))
                start = end
            }
        }
    }

    /// Ends the current run: a one-scalar run is dropped, a longer one becomes a token.
    private mutating func closeRun(_ runLength: Int) {
        guard runLength > 0 else { return }
        let start = ends.removeLast()
        if runLength >= 2 {
            ends.append(bytes.count)
        } else {
            bytes.removeSubrange(start...)
        }
    }

    /// Python's `\w` under `re.UNICODE`: `str.isalnum()` or underscore.
    @inline(__always) static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 {
            return (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) || (v >= 0x30 && v <= 0x39) || v == 0x5F
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return true
        default:
            return scalar.properties.numericType != nil
        }
    }

    /// Python's `str.lower()`: the full lower-case mapping of each scalar, with capital sigma
    /// becoming final sigma (ς) at the end of a word as Unicode's Final_Sigma condition says.
    static func lower(_ source: [Unicode.Scalar], into out: inout [Unicode.Scalar]) {
        out.reserveCapacity(source.count)
        for (i, scalar) in source.enumerated() {
            let v = scalar.value
            if v < 0x80 {
                out.append(v >= 0x41 && v <= 0x5A ? Unicode.Scalar(UInt8(v + 0x20)) : scalar)
            } else if v == 0x3A3 {
                out.append(isFinalSigma(source, at: i) ? "\u{3C2}" : "\u{3C3}")
            } else if scalar.properties.changesWhenLowercased {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
    }

    /// Final_Sigma: preceded by a cased letter (skipping case-ignorable scalars) and not followed
    /// by one (skipping case-ignorable scalars), as CPython's `handle_capital_sigma` checks.
    private static func isFinalSigma(_ source: [Unicode.Scalar], at i: Int) -> Bool {
        var j = i - 1
        while j >= 0 && source[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0 && source[j].properties.isCased else { return false }
        j = i + 1
        while j < source.count && source[j].properties.isCaseIgnorable { j += 1 }
        return j == source.count || !source[j].properties.isCased
    }

    @inline(__always) private static func appendUTF8(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
        let v = scalar.value
        if v < 0x80 {
            bytes.append(UInt8(v))
        } else {
            UTF8.encode(scalar) { bytes.append($0) }
        }
    }
}
