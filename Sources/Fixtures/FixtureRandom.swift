#if canImport(Glibc)
    import Glibc
#endif

/// The generator's only source of randomness: xoshiro256** seeded through SplitMix64.
///
/// Every draw is defined here in integer and IEEE arithmetic, never through the standard library's
/// `random(in:)`, `shuffled()` or the system generator, whose algorithms may change between Swift
/// releases. Each part of the business (catalogue, customers, events, defects) draws from its own
/// named stream, so changing how one part is generated does not move the others.
struct FixtureRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A stream for `seed` and the part named `stream`.
    init(seed: UInt64, stream: String) {
        // FNV-1a of the stream name, so streams of one seed are unrelated.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in stream.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        var mixer = seed ^ hash
        func splitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1), 53 bits.
    @inline(__always)
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in `0 ..< bound` (Lemire's multiply-shift with rejection, so exactly uniform).
    @inline(__always)
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "FixtureRandom.below(\(bound))")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// Uniform in `range`.
    @inline(__always)
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    @inline(__always)
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Standard normal (Box–Muller, one value per call).
    mutating func normal() -> Double {
        let u = 1 - unit()  // (0, 1]
        let v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// Geometric count ≥ 0 with the given mean.
    mutating func geometric(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        let p = 1 / (1 + mean)
        var n = 0
        while unit() >= p && n < 1000 { n += 1 }
        return n
    }

    /// One element of a non-empty array.
    @inline(__always)
    mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }

    /// The index whose cumulative weight first exceeds a uniform draw; `cumulative` ascends and ends at the total.
    mutating func index(cumulative: [Double]) -> Int {
        let target = unit() * cumulative[cumulative.count - 1]
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > target { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// Fisher–Yates in place.
    mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, below(i + 1))
        }
    }

    /// `count` distinct values of `0 ..< bound`, ascending (Floyd's algorithm).
    mutating func sample(_ count: Int, below bound: Int) -> [Int] {
        precondition(count <= bound, "cannot sample \(count) distinct values below \(bound)")
        var chosen = Set<Int>(minimumCapacity: count)
        for j in (bound - count)..<bound {
            let t = below(j + 1)
            if !chosen.insert(t).inserted { chosen.insert(j) }
        }
        return chosen.sorted()
    }
}
