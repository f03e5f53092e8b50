/// A fixed-seed 64-bit hash (wyhash-style multiply-mix), identical in every process and on every
/// run, unlike Swift's `Hasher`, which is seeded randomly per process.
public enum StableHash {
    static let s0: UInt64 = 0xA076_1D64_78BD_642F
    static let s1: UInt64 = 0xE703_7ED1_A0B4_28DB
    static let s2: UInt64 = 0x8EBC_6AF0_9C88_C6E3
    static let s3: UInt64 = 0x5899_65CC_7537_4CC3
    /// The starting value of a row hash.
    public static let seed: UInt64 = 0x1D8E_4E27_C47D_124F
    /// What a null contributes, so that a null never hashes like the zero stored in its slot.
    static let nullToken: UInt64 = 0x6E75_6C6C_6E75_6C6C

    @inline(__always) static func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    /// Mixes one 64-bit value into running hash `h`.
    @inline(__always) public static func combine(_ h: UInt64, _ value: UInt64) -> UInt64 {
        mum(h ^ s0, value ^ s1)
    }

    /// The hash of a byte string (its length included, so "" and a missing suffix differ).
    public static func bytes(_ p: UnsafeRawBufferPointer) -> UInt64 {
        let n = p.count
        var h = mum(seed ^ s2, UInt64(n) ^ s3)
        var i = 0
        while i + 16 <= n {
            let a = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let b = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
            h = mum(a ^ s1 ^ h, b ^ s2)
            i += 16
        }
        if i + 8 <= n {
            h = mum(UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ s1, h ^ s3)
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(p[i]) << shift
                shift += 8
                i += 1
            }
            h = mum(tail ^ s0, h ^ s2)
        }
        return mum(h ^ s1, s3)
    }

    /// The bits a double hashes and compares by: every NaN is one NaN and −0.0 is +0.0, as in
    /// pandas' `duplicated` and `groupby`.
    @inline(__always) public static func canonicalBits(_ d: Double) -> UInt64 {
        if d.isNaN { return 0x7FF8_0000_0000_0000 }
        if d == 0 { return 0 }
        return d.bitPattern
    }
}

extension Column {
    /// Mixes this column's value of every row in `rows` into `hashes[row]`.
    ///
    /// `hashes` must hold `count` entries; only `rows` is touched, so workers may share it.
    func combineHashes(into hashes: SharedBuffer<UInt64>, rows: Range<Int>) {
        let validity = self.validity
        @inline(__always) func mix(_ i: Int, _ v: UInt64) {
            if let validity, !validity[i] {
                hashes[i] = StableHash.combine(hashes[i], StableHash.nullToken)
            } else {
                hashes[i] = StableHash.combine(hashes[i], v)
            }
        }
        switch values {
        case .int32(let v), .date(let v):
            v.withUnsafeBufferPointer { b in for i in rows { mix(i, UInt64(bitPattern: Int64(b[i]))) } }
        case .int64(let v), .timestamp(let v):
            v.withUnsafeBufferPointer { b in for i in rows { mix(i, UInt64(bitPattern: b[i])) } }
        case .double(let v):
            v.withUnsafeBufferPointer { b in for i in rows { mix(i, StableHash.canonicalBits(b[i])) } }
        case .bool(let v):
            v.withUnsafeBufferPointer { b in for i in rows { mix(i, b[i] ? 1 : 2) } }
        case .string(let s):
            s.offsets.withUnsafeBufferPointer { o in
                s.bytes.withUnsafeBytes { bytes in
                    for i in rows {
                        let r = o[i]..<o[i + 1]
                        mix(i, StableHash.bytes(UnsafeRawBufferPointer(rebasing: bytes[r])))
                    }
                }
            }
        }
    }

    /// Whether rows `i` and `j` hold the same value: nulls equal nulls, NaN equals NaN, and
    /// −0.0 equals +0.0 (the equality `StableHash.canonicalBits` hashes by).
    @inlinable public func valuesEqual(_ i: Int, _ j: Int) -> Bool {
        if let validity {
            let a = validity[i], b = validity[j]
            if !a || !b { return a == b }
        }
        switch values {
        case .int32(let v), .date(let v): return v[i] == v[j]
        case .int64(let v), .timestamp(let v): return v[i] == v[j]
        case .double(let v): return StableHash.canonicalBits(v[i]) == StableHash.canonicalBits(v[j])
        case .bool(let v): return v[i] == v[j]
        case .string(let s):
            return s.bytes.withUnsafeBufferPointer { b in
                b[s.range(i)].elementsEqual(b[s.range(j)])
            }
        }
    }
}

extension Frame {
    /// A deterministic 64-bit hash of each row over the columns at `columnIndices`.
    ///
    /// Equal rows (in the sense of `rowsEqual`) hash equally; unequal rows usually differ, so a
    /// caller confirms a hash match with `rowsEqual`. Computed on both cores.
    public func rowHashes(columns columnIndices: [Int]) -> [UInt64] {
        var hashes = [UInt64](repeating: StableHash.seed, count: rowCount)
        let cols = columnIndices.map { columns[$0] }
        hashes.withUnsafeMutableBufferPointer { buffer in
            let shared = SharedBuffer(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!)
            ParallelWork.forEachRange(count: rowCount) { rows in
                for c in cols { c.combineHashes(into: shared, rows: rows) }
            }
        }
        return hashes
    }

    /// Whether rows `i` and `j` are equal in every column at `columnIndices`.
    public func rowsEqual(_ i: Int, _ j: Int, columns columnIndices: [Int]) -> Bool {
        for c in columnIndices where !columns[c].valuesEqual(i, j) { return false }
        return true
    }

    /// The positions of `names` in the schema, or the error naming the first unknown one.
    public func columnIndices(_ names: [String]) throws(FrameError) -> [Int] {
        var out: [Int] = []
        for name in names {
            guard let i = schema.index(of: name) else { throw .unknownColumn(name: name, available: schema.names) }
            out.append(i)
        }
        return out
    }
}
