import Foundation

/// SHA-256 of source files, remembered by (device, inode, size, mtime) so that an unchanged file
/// is not read again on every run and status.
///
/// A touched file misses the cache and is re-hashed; its content hash, and therefore every
/// fingerprint, stays the same. Entries whose mtime is within two seconds of the time they were
/// hashed are not trusted later, since a same-size write in the same clock tick would not
/// change the key (the "racy timestamp" problem git also guards against).
public final class SourceHashCache {
    struct Entry: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var mtimeNanoseconds: Int64
        var sha256: String
    }

    /// The cache file, usually `runs/.source-hashes.json`.
    public let path: String
    private var entries: [String: Entry] = [:]
    private var dirty = false
    /// Files actually read (not answered from the cache) since this object was made.
    public private(set) var filesHashed: [String] = []

    public init(path: String) {
        self.path = path
        load()
    }

    /// The content hash and size of the file at `file` (an absolute path).
    public func hash(of file: String) throws(ArtifactIOError) -> (sha256: String, bytes: Int64) {
        var st = stat()
        guard stat(file, &st) == 0 else { throw .cannotOpen(path: file, errno: errno) }
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        let key = Entry(
            device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
            mtimeNanoseconds: mtime, sha256: "")
        if var cached = entries[file] {
            let hash = cached.sha256
            cached.sha256 = ""
            if cached == key { return (hash, key.size) }
        }
        let result = try SHA256Hex.ofFile(file)
        filesHashed.append(file)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nowNanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        if nowNanoseconds - mtime > 2_000_000_000 && result.bytes == key.size {
            var entry = key
            entry.sha256 = result.sha256
            entries[file] = entry
            dirty = true
        } else if entries.removeValue(forKey: file) != nil {
            dirty = true
        }
        return result
    }

    /// Writes the cache back if it changed. Failures are ignored: the cache only saves time.
    public func save() {
        guard dirty else { return }
        var members: [(key: String, value: JSONValue)] = []
        for (file, e) in entries {
            members.append(
                (
                    file,
                    [
                        "device": .number(JSONNumber(literal: String(e.device))),
                        "inode": .number(JSONNumber(literal: String(e.inode))),
                        "size": .number(JSONNumber(e.size)), "mtime_ns": .number(JSONNumber(e.mtimeNanoseconds)),
                        "sha256": .string(e.sha256),
                    ]
                ))
        }
        let doc: JSONValue = ["format": 1, "files": .object(members)]
        let dir = (path as NSString).deletingLastPathComponent
        guard (try? DurableFiles.makeDirectory(dir)) != nil else { return }
        if (try? DurableFiles.writeAtomically(Array(CanonicalJSON.pretty(doc).utf8), to: path)) != nil { dirty = false }
    }

    private func load() {
        guard let bytes = try? DurableFiles.read(path), let doc = try? JSONParser.parse(bytes),
            doc["format"]?.intValue == 1, let files = doc["files"]?.objectMembers
        else { return }
        for (file, v) in files {
            guard let dev = v["device"].flatMap({ UInt64(CanonicalJSON.string($0)) }),
                let ino = v["inode"].flatMap({ UInt64(CanonicalJSON.string($0)) }),
                let size = v["size"]?.intValue, let mtime = v["mtime_ns"]?.intValue,
                let sha = v["sha256"]?.stringValue
            else { continue }
            entries[file] = Entry(device: dev, inode: ino, size: size, mtimeNanoseconds: mtime, sha256: sha)
        }
    }
}
