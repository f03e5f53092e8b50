import Frame
import Testing

/// `StringArray.firstInvalidUTF8(in:)`: one pass over the bytes, then value boundaries.
@Suite struct StringArrayUTF8Tests {
    static func array(_ values: [[UInt8]]) -> StringArray {
        var offsets = [0]
        var bytes: [UInt8] = []
        for v in values {
            bytes += v
            offsets.append(bytes.count)
        }
        return StringArray(offsets: offsets, bytes: bytes)
    }

    @Test func validValuesPass() {
        let s = Self.array([
            Array("Zoë".utf8), [], Array("plain ascii, long enough for the fast path".utf8), [0xF0, 0x9F, 0x98, 0x80],
        ])
        #expect(s.firstInvalidUTF8(in: 0..<4) == nil)
        #expect(s.firstInvalidUTF8(in: 2..<2) == nil)
    }

    @Test func anInvalidByteNamesItsRowAndOffset() {
        let s = Self.array([Array("ok".utf8), Array("abcdefgh".utf8) + [0xFF, 0xFE], Array("x".utf8)])
        let found = s.firstInvalidUTF8(in: 0..<3)
        #expect(found?.row == 1 && found?.byte == 8)
        #expect(s.firstInvalidUTF8(in: 2..<3) == nil)
    }

    /// "é" split across two values: the concatenation is valid UTF-8, each value is not.
    @Test func aSequenceSplitAcrossValuesIsCaught() {
        let s = Self.array([Array("a".utf8), Array("caf".utf8) + [0xC3], [0xA9] + Array("!".utf8)])
        let found = s.firstInvalidUTF8(in: 0..<3)
        #expect(found?.row == 1 && found?.byte == 3)
        // The second half alone starts with a continuation byte.
        let tail = s.firstInvalidUTF8(in: 2..<3)
        #expect(tail?.row == 2 && tail?.byte == 0)
    }
}
