/// A column of UTF-8 strings stored as one byte buffer and `count + 1` offsets into it.
///
/// String `i` is `bytes[offsets[i] ..< offsets[i + 1]]`. No per-row objects are allocated.
public struct StringArray: Sendable, Hashable {
    /// `count + 1` ascending byte offsets; `offsets[0] == 0`.
    public private(set) var offsets: [Int]
    /// The concatenated UTF-8 bytes of every string.
    public private(set) var bytes: [UInt8]

    public init() {
        offsets = [0]
        bytes = []
    }

    /// Wraps prepared buffers. `offsets` must start at 0, ascend, and end at `bytes.count`.
    public init(offsets: [Int], bytes: [UInt8]) {
        precondition(offsets.first == 0 && offsets.last == bytes.count, "StringArray offsets do not span the bytes")
        self.offsets = offsets
        self.bytes = bytes
    }

    public init<S: Sequence>(_ strings: S) where S.Element == String {
        self.init()
        for s in strings { append(s) }
    }

    public var count: Int { offsets.count - 1 }

    public mutating func reserve(strings: Int, bytes byteCount: Int) {
        offsets.reserveCapacity(strings + 1)
        bytes.reserveCapacity(byteCount)
    }

    public mutating func append(_ string: String) {
        var s = string
        s.withUTF8 { bytes.append(contentsOf: $0) }
        offsets.append(bytes.count)
    }

    public mutating func append<C: Collection>(utf8 slice: C) where C.Element == UInt8 {
        bytes.append(contentsOf: slice)
        offsets.append(bytes.count)
    }

    /// The byte range of string `i` within `bytes`.
    @inlinable public func range(_ i: Int) -> Range<Int> { offsets[i]..<offsets[i + 1] }

    public subscript(i: Int) -> String {
        let r = range(i)
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[r]), as: UTF8.self) }
    }

    /// The strings `indices` in that order, as a new array.
    public func gather(_ indices: [Int]) -> StringArray {
        var out = StringArray()
        var total = 0
        for i in indices { total += offsets[i + 1] - offsets[i] }
        out.reserve(strings: indices.count, bytes: total)
        bytes.withUnsafeBufferPointer { buf in
            for i in indices { out.append(utf8: UnsafeBufferPointer(rebasing: buf[range(i)])) }
        }
        return out
    }
}
