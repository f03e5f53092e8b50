/// A set of byte strings (UTF-8 tokens) numbered in insertion order, looked up without building a
/// `String` per token.
///
/// Keys are compared byte for byte, not by Swift's canonical-equivalence `String` equality, so
/// two spellings Python treats as different tokens (a precomposed Hangul syllable and its jamo,
/// a CJK compatibility ideograph and its unified form) stay different here too.
struct TokenTable: Sendable, Equatable {
    /// The keys' bytes back to back; key `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
    private(set) var bytes: [UInt8] = []
    private(set) var offsets: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Open addressing with linear probing: a key index, or -1 for an empty slot.
    private var slots = [Int32](repeating: -1, count: 16)

    var count: Int { offsets.count - 1 }

    init() {}

    /// A table of `words`' UTF-8 bytes in the given order (duplicates are kept once).
    init<S: Sequence<String>>(_ words: S) {
        for word in words {
            var word = word
            word.withUTF8 { _ = insert($0) }
        }
    }

    /// The key's index, or nil when absent.
    func index(of key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = Self.hash(key)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[s]
            if entry < 0 { return nil }
            if hashes[Int(entry)] == hash && matches(Int(entry), key) { return entry }
            s = (s + 1) & mask
        }
    }

    /// Adds the key if absent; returns its index and whether it was new.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (index: Int32, inserted: Bool) {
        let hash = Self.hash(key)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[s]
            if entry < 0 { break }
            if hashes[Int(entry)] == hash && matches(Int(entry), key) { return (entry, false) }
            s = (s + 1) & mask
        }
        let index = Int32(count)
        bytes.append(contentsOf: key)
        offsets.append(bytes.count)
        hashes.append(hash)
        // Keep the load at most one half so probe runs stay short.
        if 2 * count > slots.count {
            rehash(capacity: slots.count * 2)
        } else {
            slots[s] = index
        }
        return (index, true)
    }

    /// Key `i`'s bytes as a buffer for the duration of `body`.
    func withKey<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[offsets[i]..<offsets[i + 1]])) }
    }

    /// Key `i` decoded as a string.
    func string(at i: Int) -> String { withKey(i) { String(decoding: $0, as: UTF8.self) } }

    /// Whether key `a` sorts before key `b` in byte order (for UTF-8, Unicode code point order).
    func precedes(_ a: Int, _ b: Int) -> Bool {
        bytes.withUnsafeBufferPointer { all in
            all[offsets[a]..<offsets[a + 1]].lexicographicallyPrecedes(all[offsets[b]..<offsets[b + 1]])
        }
    }

    private func matches(_ entry: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = offsets[entry]
        guard offsets[entry + 1] - start == key.count else { return false }
        return bytes.withUnsafeBufferPointer { all in
            for k in 0..<key.count where all[start + k] != key[k] { return false }
            return true
        }
    }

    private mutating func rehash(capacity: Int) {
        slots = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        for i in 0..<count {
            var s = Int(truncatingIfNeeded: hashes[i]) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(i)
        }
    }

    /// FNV-1a over the bytes, with a final mix so the low bits used for the slot spread well.
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }
}
