import Foundation
import Pipeline
import Testing

@Suite struct RunFolderTests {
    /// A publish without RENAME_EXCHANGE that crashed between its two renames leaves the old
    /// stage aside and none in place: cleaning up puts the old one back instead of deleting it,
    /// and still removes the unfinished temporary folder.
    @Test func leftoversRestoreTheOldStageWhenNoneIsInPlace() throws {
        let runs = NSTemporaryDirectory() + "bespoke-runfolder-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: runs) }
        let folder = try RunFolder(runsDirectory: runs, id: "r1")
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder.path + "/dedupe.old-4242", withIntermediateDirectories: true)
        try "old".write(toFile: folder.path + "/dedupe.old-4242/_manifest.json", atomically: true, encoding: .utf8)
        try fm.createDirectory(atPath: folder.path + "/.dedupe.tmp-4242", withIntermediateDirectories: true)

        try folder.removeLeftovers(of: "dedupe")

        #expect(try String(contentsOfFile: folder.path + "/dedupe/_manifest.json", encoding: .utf8) == "old")
        #expect(try fm.contentsOfDirectory(atPath: folder.path).sorted() == ["dedupe"])
    }

    /// With the stage in place, an aside copy is a leftover like any other.
    @Test func leftoversAreRemovedWhenTheStageIsInPlace() throws {
        let runs = NSTemporaryDirectory() + "bespoke-runfolder-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: runs) }
        let folder = try RunFolder(runsDirectory: runs, id: "r1")
        let fm = FileManager.default
        for name in ["dedupe", "dedupe.old-1", ".dedupe.tmp-2"] {
            try fm.createDirectory(atPath: folder.path + "/" + name, withIntermediateDirectories: true)
        }
        try folder.removeLeftovers(of: "dedupe")
        #expect(try fm.contentsOfDirectory(atPath: folder.path).sorted() == ["dedupe"])
    }
}
