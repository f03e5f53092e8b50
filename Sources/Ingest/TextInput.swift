import Glibc
import Gzip

/// The bytes of a text source as UTF-8, streamed through a window that grows only as far as the
/// longest record needs: plain files with POSIX reads, gzip files (single or multi-member) through
/// `GunzipFileReader`, Latin-1 transcoded on the way in.
///
/// The window is `bytes[0..<end]`; a reader keeps an index into it and calls `refill(keeping:)`
/// when a record runs past `end`, which moves the bytes from that index to the front.
final class TextInput {
    let path: String
    private var descriptor: Int32 = -1
    private var gunzip: GunzipFileReader?
    private let latin1: Bool

    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var end = 0
    private(set) var atEOF = false
    /// Where the text starts in the first window (3 after a UTF-8 byte order mark).
    private(set) var textStart = 0
    /// Raw bytes waiting for Latin-1 transcoding.
    private var raw: UnsafeMutablePointer<UInt8>?

    static let readSize = 1 << 20
    /// How much of the start of a file is checked for binary content.
    static let sniffBytes = 1024

    /// Opens `path`, tells gzip from plain by the magic bytes, and checks the first KB is text.
    init(path: String, encoding: TextEncoding) throws(IngestError) {
        self.path = path
        latin1 = encoding == .latin1
        capacity = 2 * Self.readSize
        bytes = .allocate(capacity: capacity)
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw errno == ENOENT ? .missingSource(path: path) : .io(path: path, errno: errno)
        }
        if info.st_mode & 0o170000 == 0o040000 { throw .io(path: path, errno: EISDIR) }
        if info.st_size == 0 { throw .emptySource(path: path) }
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(path: path, errno: errno) }
        if latin1 { raw = .allocate(capacity: Self.readSize) }

        var magic: (UInt8, UInt8) = (0, 0)
        let got = withUnsafeMutableBytes(of: &magic) { pread(descriptor, $0.baseAddress, 2, 0) }
        if got == 2 && magic == (0x1f, 0x8b) {
            close(descriptor)
            descriptor = -1
            do { gunzip = try GunzipFileReader(path: path) } catch { throw Self.wrap(error, path) }
        }
        // Read the first KB (or the whole file when shorter) raw, check it, then take it in.
        let sniff = UnsafeMutablePointer<UInt8>.allocate(capacity: Self.sniffBytes)
        defer { sniff.deallocate() }
        var have = 0
        while have < Self.sniffBytes {
            let n = try readRaw(into: sniff + have, count: Self.sniffBytes - have)
            if n == 0 {
                atEOF = true
                break
            }
            have += n
        }
        if have == 0 { throw .emptySource(path: path) }
        if let problem = Self.binaryProblem(sniff, have) { throw .binarySource(path: path, detail: problem) }
        take(sniff, have)
        if !latin1 && end >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { textStart = 3 }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        bytes.deallocate()
        raw?.deallocate()
    }

    /// Moves `bytes[keeping..<end]` to the front (growing the window when it is more than half
    /// full) and reads more; returns `keeping`, the distance every index moved back. At the end
    /// of the file it only sets `atEOF`.
    func refill(keeping: Int) throws(IngestError) -> Int {
        let kept = end - keeping
        if keeping > 0 && kept > 0 { bytes.update(from: bytes + keeping, count: kept) }
        end = kept
        if capacity - end < Self.readSize {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(2 * capacity, end + 2 * Self.readSize))
            grown.update(from: bytes, count: end)
            bytes.deallocate()
            bytes = grown
            capacity = max(2 * capacity, end + 2 * Self.readSize)
        }
        if !atEOF {
            if let raw {
                let n = try readRaw(into: raw, count: min(Self.readSize, (capacity - end) / 2))
                if n == 0 { atEOF = true } else { take(raw, n) }
            } else {
                let n = try readRaw(into: bytes + end, count: capacity - end)
                if n == 0 { atEOF = true } else { end += n }
            }
        }
        return keeping
    }

    /// Appends raw file bytes to the window (transcoding Latin-1).
    private func take(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) {
        if latin1 {
            end += UTF8Validation.transcodeLatin1(p, n, to: bytes + end)
        } else {
            (bytes + end).update(from: p, count: n)
            end += n
        }
    }

    private func readRaw(into p: UnsafeMutablePointer<UInt8>, count: Int) throws(IngestError) -> Int {
        if let gunzip {
            do { return try gunzip.read(into: UnsafeMutableRawBufferPointer(start: p, count: count)) } catch {
                throw Self.wrap(error, path)
            }
        }
        while true {
            let n = read(descriptor, p, count)
            if n >= 0 { return n }
            if errno != EINTR { throw .io(path: path, errno: errno) }
        }
    }

    private static func wrap(_ error: CodecError, _ path: String) -> IngestError {
        if case .io(_, let code, _) = error {
            return code == ENOENT ? .missingSource(path: path) : .io(path: path, errno: code)
        }
        return .codec(path: path, error)
    }

    /// Why `p[0..<n]` does not look like text: a NUL byte, or more than 10% control characters
    /// other than tab, LF, VT, FF, CR and ESC.
    static func binaryProblem(_ p: UnsafePointer<UInt8>, _ n: Int) -> String? {
        var controls = 0
        for i in 0..<n {
            let b = p[i]
            if b == 0 { return "NUL byte at offset \(i) in the first \(n) bytes" }
            if b < 0x20 && !(0x09...0x0D).contains(b) && b != 0x1B { controls += 1 }
        }
        if n >= 32 && controls * 10 > n { return "\(controls) control bytes in the first \(n) bytes" }
        return nil
    }
}
