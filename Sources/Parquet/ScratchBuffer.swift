/// A reusable block of raw memory that grows to the largest size asked of it, so decoding
/// pages allocates nothing per page. Its contents do not survive a call to `reserve`.
final class ScratchBuffer {
    private var memory = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    init() {}

    deinit { memory.deallocate() }

    /// At least `byteCount` bytes, 16-byte aligned; callers bound `byteCount` by the file first.
    func reserve(_ byteCount: Int) -> UnsafeMutableRawBufferPointer {
        if memory.count < byteCount || memory.baseAddress == nil {
            memory.deallocate()
            memory = .allocate(byteCount: max(byteCount, 64), alignment: 16)
        }
        return UnsafeMutableRawBufferPointer(rebasing: memory[0..<byteCount])
    }

    /// Room for `count` values of `T`.
    func reserve<T: BitwiseCopyable>(_ count: Int, of _: T.Type) -> UnsafeMutableBufferPointer<T> {
        reserve(count * MemoryLayout<T>.stride).bindMemory(to: T.self)
    }
}
