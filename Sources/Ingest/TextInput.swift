import Frame
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
    /// How many bytes of text (decompressed, before transcoding) have been read so far.
    private var textOffset = 0

    static let readSize = 1 << 20
    /// How much of the start of a file is checked for binary content.
    static let sniffBytes = 1024

    /// Opens `path`, tells gzip from plain by the magic bytes, and checks the first KB is text.
    /// A file named `.gz` without gzip's magic, and a zlib stream, are "not gzip".
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
        } else if let problem = Self.notGzip(path: path, magic: got == 2 ? [magic.0, magic.1] : []) {
            throw .notGzip(path: path, detail: problem)
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

    /// Reads raw text; a NUL byte anywhere fails the source (one rule for the whole file: text
    /// has none, and a string column must never take one in).
    private func readRaw(into p: UnsafeMutablePointer<UInt8>, count: Int) throws(IngestError) -> Int {
        var n = 0
        if let gunzip {
            do { n = try gunzip.read(into: UnsafeMutableRawBufferPointer(start: p, count: count)) } catch {
                throw Self.wrap(error, path)
            }
        } else {
            while true {
                n = read(descriptor, p, count)
                if n >= 0 { break }
                if errno != EINTR { throw .io(path: path, errno: errno) }
            }
        }
        if n > 0, let nul = memchr(p, 0, n) {
            let offset = textOffset + (UnsafeRawPointer(nul) - UnsafeRawPointer(p))
            throw .binarySource(
                path: path, detail: "NUL byte at offset \(offset)" + (gunzip == nil ? "" : " of the decompressed text"))
        }
        textOffset += n
        return n
    }

    /// Why a file that is not gzip must not be read as plain text: its name ends in `.gz`, or it
    /// starts with one of the headers zlib writes (RFC 1950: 78 01, 78 5e, 78 9c or 78 da).
    static func notGzip(path: String, magic: [UInt8]) -> String? {
        let shown = magic.map { String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " ")
        if magic.count == 2 && magic[0] == 0x78 && [0x01, 0x5E, 0x9C, 0xDA].contains(magic[1]) {
            return "a zlib stream (starts \(shown)), not gzip's 1f 8b; recompress it with gzip"
        }
        if path.hasSuffix(".gz") {
            return
                "the name ends in .gz but the file does not start with gzip's magic 1f 8b (found \(shown.isEmpty ? "nothing" : shown))"
        }
        return nil
    }

    private static func wrap(_ error: CodecError, _ path: String) -> IngestError {
        if case .io(_, let code, _) = error {
            return code == ENOENT ? .missingSource(path: path) : .io(path: path, errno: code)
        }
        return .codec(path: path, error)
    }

    /// Why `p[0..<n]` does not look like text: more than 10% control characters other than tab,
    /// LF, VT, FF, CR and ESC (NUL bytes are refused as they are read).
    static func binaryProblem(_ p: UnsafePointer<UInt8>, _ n: Int) -> String? {
        var controls = 0
        for i in 0..<n {
            let b = p[i]
            if b < 0x20 && !(0x09...0x0D).contains(b) && b != 0x1B { controls += 1 }
        }
        if n >= 32 && controls * 10 > n { return "\(controls) control bytes in the first \(n) bytes" }
        return nil
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
