/// A valid address to hand C for a zero-length buffer, whose Swift `baseAddress` may be nil.
///
/// C libraries may compute `pointer + 0` or reject NULL even when the length is zero; nothing ever reads or writes
/// through this address because every use pairs it with a length of zero, so sharing it across threads is safe.
nonisolated(unsafe) private let zeroLengthAddress = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)

extension UnsafeRawBufferPointer {
    /// `baseAddress`, or a placeholder when the buffer is empty and has none.
    var nonNullBase: UnsafeRawPointer { baseAddress ?? UnsafeRawPointer(zeroLengthAddress) }
}

extension UnsafeMutableRawBufferPointer {
    /// `baseAddress`, or a placeholder when the buffer is empty and has none.
    var nonNullBase: UnsafeMutableRawPointer { baseAddress ?? zeroLengthAddress }
}
