extension Array where Element: BitwiseCopyable {
    /// An array of `count` elements that `initialize` writes in place, so a column's values are
    /// written once, straight into their final storage. `initialize` must write every element of
    /// the buffer it is given unless it throws; when it throws the array is discarded.
    static func writtenInPlace<E: Error>(
        count: Int, by initialize: (UnsafeMutableBufferPointer<Element>) throws(E) -> Void
    ) throws(E) -> [Element] {
        var failure: E?
        let array = [Element](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            let storage = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
            do throws(E) {
                try initialize(storage)
                initializedCount = count
            } catch {
                failure = error
                initializedCount = 0
            }
        }
        if let failure { throw failure }
        return array
    }

    /// `init(unsafeUninitializedCapacity:initializingWith:)` with a typed error: `initialize`
    /// writes a prefix of the buffer and returns its length.
    init<E: Error>(
        typedUnsafeUninitializedCapacity capacity: Int,
        initializingWith initialize: (UnsafeMutableBufferPointer<Element>) throws(E) -> Int
    ) throws(E) {
        var failure: E?
        self.init(unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
            do throws(E) { initializedCount = try initialize(buffer) } catch {
                failure = error
                initializedCount = 0
            }
        }
        if let failure { throw failure }
    }
}
