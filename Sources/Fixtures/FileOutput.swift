import Dispatch
import Gzip
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A file written under a temporary name beside its destination and renamed into place by `finish()`,
/// plain or gzip-compressed with zlib (whose header has MTIME 0, so the bytes depend only on the input).
///
/// Compression runs on a second thread, a few chunks behind the generator, so that generating and
/// compressing overlap on the two cores; the bytes are the same as compressing in line.
final class FileOutput {
    let path: String
    private let temporaryPath: String
    private var descriptor: Int32 = -1
    private var gzip: BackgroundGzip?
    private var finished = false

    init(path: String, gzipLevel: Int?) throws(FixtureError) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) + "/" } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        temporaryPath = "\(folder).\(name).tmp-\(getpid())"
        if let gzipLevel {
            do { gzip = BackgroundGzip(try GzipFileWriter(path: temporaryPath, level: gzipLevel)) } catch {
                throw .cannotWrite(path: path, detail: "\(error)")
            }
        } else {
            descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw Self.failure(path, "create \(temporaryPath)") }
        }
    }

    deinit {
        if !finished { abandon() }
    }

    func write(_ bytes: [UInt8]) throws(FixtureError) {
        // withUnsafeBytes does not carry typed throws, so the failure comes out as a value.
        if let gzip {
            if let error = gzip.write(bytes) { throw .cannotWrite(path: path, detail: "\(error)") }
            return
        }
        let failure: FixtureError? = bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let wrote = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if wrote >= 0 {
                    offset += wrote
                } else if errno != EINTR {
                    return Self.failure(path, "write")
                }
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Completes the file, fsyncs it and renames it over `path`.
    func finish() throws(FixtureError) {
        finished = true
        if let gzip {
            if let error = gzip.finish() { throw .cannotWrite(path: path, detail: "\(error)") }
            descriptor = open(temporaryPath, O_RDONLY | O_CLOEXEC)
        }
        if descriptor >= 0 {
            _ = fsync(descriptor)
            _ = close(descriptor)
            descriptor = -1
        }
        guard rename(temporaryPath, path) == 0 else {
            let failure = Self.failure(path, "rename \(temporaryPath) into place")
            unlink(temporaryPath)
            throw failure
        }
    }

    /// Drops the temporary file; `path` is left as it was.
    func abandon() {
        finished = true
        if let gzip { _ = gzip.finish() }
        if descriptor >= 0 { _ = close(descriptor) }
        descriptor = -1
        unlink(temporaryPath)
    }

    private static func failure(_ path: String, _ action: String) -> FixtureError {
        .cannotWrite(path: path, detail: "\(action): \(String(cString: strerror(errno)))")
    }
}

/// A `GzipFileWriter` fed from a serial queue; at most four chunks wait, so memory stays bounded.
private final class BackgroundGzip: @unchecked Sendable {
    // `writer` is touched only on `queue`; `failure` is shared, behind a mutex.
    private let writer: GzipFileWriter
    private let failure = Mutex<CodecError?>(nil)
    private let queue = DispatchQueue(label: "bespoke.fixtures.gzip")
    private let slots = DispatchSemaphore(value: 4)

    init(_ writer: GzipFileWriter) { self.writer = writer }

    /// Queues `bytes`; returns an earlier chunk's error, if any.
    func write(_ bytes: [UInt8]) -> CodecError? {
        if let error = failure.withLock({ $0 }) { return error }
        slots.wait()
        queue.async {
            defer { self.slots.signal() }
            guard self.failure.withLock({ $0 }) == nil else { return }
            bytes.withUnsafeBytes { raw in
                do throws(CodecError) { try self.writer.write(raw) } catch { self.failure.withLock { $0 = error } }
            }
        }
        return nil
    }

    /// Waits for the queued chunks and writes the trailer.
    func finish() -> CodecError? {
        queue.sync {
            if failure.withLock({ $0 }) == nil {
                do throws(CodecError) { try writer.finish() } catch { failure.withLock { $0 = error } }
            }
        }
        return failure.withLock { $0 }
    }
}
