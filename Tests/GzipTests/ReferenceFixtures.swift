import Foundation

/// Compressed bytes made by other implementations (pyarrow's snappy and zstd, Python's zlib, the zstd tool),
/// generated once per test run into a temporary folder.
struct ReferenceFixtures: Sendable {
    /// The uncompressed text, 406,716 bytes.
    var data: [UInt8]
    /// `pa.compress(data, codec='snappy')`: one raw snappy block.
    var snappy: [UInt8]
    /// `pa.compress(data, codec='zstd')`: one frame that declares its content size.
    var zstd: [UInt8]
    /// Two pyarrow zstd frames, of each half of `data`.
    var zstdTwoFrames: [UInt8]
    /// `zstd -c < data`: a frame without a declared content size.
    var zstdUnknownSize: [UInt8]
    /// `zlib.compress(data, 9)`: an RFC 1950 stream.
    var zlib: [UInt8]

    static let shared: Result<ReferenceFixtures, any Error> = Result { try generate() }

    static let script = """
        import pyarrow as pa, zlib, sys, os
        d = sys.argv[1]
        data = b''.join(b'row %d,%d,%s\\n' % (i, (i * i) % 1009, b'abc' * (i % 5)) for i in range(20000))
        def put(name, b):
            open(os.path.join(d, name), 'wb').write(b)
        put('data.bin', data)
        put('data.snappy', pa.compress(data, codec='snappy', asbytes=True))
        put('data.zstd', pa.compress(data, codec='zstd', asbytes=True))
        h = len(data) // 2
        put('data2.zstd', pa.compress(data[:h], codec='zstd', asbytes=True)
            + pa.compress(data[h:], codec='zstd', asbytes=True))
        put('data.zlib', zlib.compress(data, 9))
        """

    private static func generate() throws -> ReferenceFixtures {
        let folder = try TemporaryFolder()
        try runTool(["python3", "-c", script, folder.url.path])
        let unknownSize = try runTool(["zstd", "-q", "-c"], stdinPath: folder.path("data.bin"))
        return ReferenceFixtures(
            data: try folder.read("data.bin"), snappy: try folder.read("data.snappy"),
            zstd: try folder.read("data.zstd"), zstdTwoFrames: try folder.read("data2.zstd"),
            zstdUnknownSize: unknownSize, zlib: try folder.read("data.zlib"))
    }
}
