/// The standard library's `withUnsafe…` methods rethrow untyped errors; these keep the
/// closure's error type so callers can stay in typed throws.
extension Array {
    func withTypedBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = withUnsafeBytes { buf in
            do throws(E) { return .success(try body(buf)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    mutating func withTypedMutableBuffer<R, E: Error>(
        _ body: (inout UnsafeMutableBufferPointer<Element>) throws(E) -> R
    ) throws(E) -> R {
        let result: Result<R, E> = withUnsafeMutableBufferPointer { buf in
            do throws(E) { return .success(try body(&buf)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
