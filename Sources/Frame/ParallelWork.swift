import Dispatch
import Foundation

/// Splits row-range and per-column work over both cores. Results never depend on the number of
/// threads: each worker writes only its own slots.
public enum ParallelWork {
    public static let threads = max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))

    /// Calls `body` on contiguous ranges covering `0 ..< count`, in parallel when there is enough work.
    public static func forEachRange(count: Int, minimumPerThread: Int = 1 << 16, _ body: @Sendable (Range<Int>) -> Void)
    {
        let workers = min(threads, max(1, count / minimumPerThread))
        if workers <= 1 {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            body(count * w / workers..<count * (w + 1) / workers)
        }
    }

    /// `transform(i)` for every `i` in `0 ..< count`, computed by up to `threads` workers.
    public static func map<T: Sendable>(count: Int, parallel: Bool = true, _ transform: @Sendable (Int) -> T) -> [T] {
        if count <= 1 || threads == 1 || !parallel { return (0..<count).map(transform) }
        let slots = ResultSlots<T>(count: count)
        let next = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: min(threads, count)) { _ in
            while true {
                let i = next.increment()
                if i >= count { break }
                slots.store(transform(i), at: i)
            }
        }
        return slots.collect()
    }
}

/// Slots written by concurrent workers, each slot by exactly one worker.
final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    init(count: Int) { slots = [T?](repeating: nil, count: count) }
    func store(_ value: T, at index: Int) { slots.withUnsafeMutableBufferPointer { $0[index] = value } }
    func collect() -> [T] { slots.map { $0! } }
}

/// A counter shared by workers (a lock is plenty: it is taken once per task, not per row).
final class Atomic: @unchecked Sendable {
    private var value: Int
    private let lock = NSLock()
    init(_ value: Int) { self.value = value }
    /// Returns the value before adding one.
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}

/// A mutable buffer that workers write at disjoint indices.
public struct SharedBuffer<T>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<T>
    public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    @inlinable public subscript(i: Int) -> T {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}
