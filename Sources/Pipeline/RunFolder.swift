import Foundation

/// The folder of one run, `runs/ID/`, and the names of everything in it.
///
/// ```
/// runs/ID/run.json            the run record
/// runs/ID/.lock               flock'ed by whoever writes in the run
/// runs/ID/NAME/               a complete stage: outputs, stage.log, _manifest.json (last)
/// runs/ID/.NAME.tmp-PID/      a stage being written (removed when found stale)
/// runs/ID/.NAME.failed.log    the log of the stage's last failed attempt
/// runs/latest -> ID           moved only when a whole run succeeds
/// ```
public struct RunFolder: Sendable {
    public let runsDirectory: String
    public let id: String

    public init(runsDirectory: String, id: String) throws(EngineError) {
        try Self.validate(id: id)
        self.runsDirectory = runsDirectory
        self.id = id
    }

    public var path: String { runsDirectory + "/" + id }
    public var lockPath: String { path + "/.lock" }
    public var recordPath: String { path + "/" + RunRecord.fileName }
    public var latestLink: String { runsDirectory + "/latest" }
    public var sourceHashCachePath: String { runsDirectory + "/.source-hashes.json" }

    public func stageDirectory(_ stage: String) -> String { path + "/" + stage }
    public func manifestPath(_ stage: String) -> String { stageDirectory(stage) + "/" + StageManifest.fileName }
    public func temporaryDirectory(_ stage: String, pid: Int32 = getpid()) -> String { path + "/.\(stage).tmp-\(pid)" }
    public func failedLogPath(_ stage: String) -> String { path + "/.\(stage).failed.log" }
    public func stageLogPath(_ stage: String) -> String { stageDirectory(stage) + "/" + StageLog.fileName }

    public var exists: Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    public func create() throws(EngineError) {
        do { try DurableFiles.makeDirectory(path) } catch { throw .io(error) }
    }

    /// Today's date in UTC, `YYYY-MM-DD`: the default run id.
    public static func defaultID(now: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: now)
    }

    public static func validate(id: String) throws(EngineError) {
        if id.range(of: "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", options: .regularExpression) == nil {
            throw .invalidRunID(id, reason: "use letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        if id == "latest" { throw .invalidRunID(id, reason: "'latest' names the link to the last successful run") }
    }

    /// Removes the temporary folders and side files that an interrupted attempt at `stage` left.
    /// Only safe while holding the run lock: then no other process is writing them.
    public func removeLeftovers(of stage: String) throws(EngineError) {
        var names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        // A crash between the two renames of a publish without RENAME_EXCHANGE leaves the old
        // complete folder aside and none in place: put the old one back rather than lose both.
        var st = stat()
        if lstat(path + "/" + stage, &st) != 0,
            let aside = names.sorted().first(where: { $0.hasPrefix("\(stage).old-") })
        {
            if rename(path + "/" + aside, path + "/" + stage) == 0 { names.removeAll { $0 == aside } }
        }
        for name in names where name.hasPrefix(".\(stage).tmp-") || name.hasPrefix("\(stage).old-") {
            do { try DurableFiles.remove(path + "/" + name) } catch { throw .io(error) }
        }
    }

    /// Run ids under `runsDirectory`, sorted.
    public static func runIDs(in runsDirectory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runsDirectory)) ?? []
        return names.filter { name in
            guard name != "latest", !name.hasPrefix(".") else { return false }
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: runsDirectory + "/" + name, isDirectory: &isDir)
                && isDir.boolValue
        }.sorted()
    }

    /// Points `runs/latest` at this run.
    public func markLatest() throws(EngineError) {
        do { try DurableFiles.replaceSymlink(latestLink, pointingTo: id) } catch { throw .io(error) }
    }

    /// The run `runs/latest` points at, if any.
    public static func latestID(in runsDirectory: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: runsDirectory + "/latest")
    }
}
