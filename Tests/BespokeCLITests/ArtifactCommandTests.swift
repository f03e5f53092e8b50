import Foundation
import Frame
import Parquet
import TestSupport
import Testing

@testable import BespokeCLI

/// `inspect`, `head` and `export` on a small file with every type, nulls and awkward values.
@Suite struct ArtifactCommandTests {
    static func sampleFrame() throws -> Frame {
        let schema = Schema([
            Field("id", .int64, nullable: false), Field("name", .string), Field("score", .double),
            Field("active", .bool), Field("at", .timestamp), Field("day", .date), Field("qty", .int32),
        ])
        return try Frame(
            schema: schema,
            columns: [
                Column(.int64([1, 2, 3, 4])),
                Column(
                    .string(StringArray(["Zoë", "", "a, \"quoted\"\nline", "x"])), validity: [true, true, true, false]),
                Column(.double([1.5, .nan, -0.0, .infinity]), validity: [true, true, true, false]),
                Column(.bool([true, false, true, false])),
                Column(.timestamp([0, -1, 1_764_382_011_123_456, 86_400_000_000])),
                Column(.date([0, -1, 20_000, 1])),
                Column(.int32([Int32.min, 0, 7, Int32.max])),
            ])
    }

    static func writeSample(_ dir: TemporaryDirectory, rowGroupRows: Int = 3) throws -> String {
        var options = ParquetWriteOptions()
        options.rowGroupRows = rowGroupRows
        options.createdBy = "bespoke version 0.1.0 (build test)"
        let path = dir.file("sample.parquet")
        try ParquetWriter.write(try sampleFrame(), to: path, options: options)
        return path
    }

    @Test func inspectText() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = try Self.writeSample(dir)
        let text = InspectCommand.renderText(ParquetSummary(try ParquetReader(path: path))).replacingOccurrences(
            of: path, with: "<file>")
        if let diff = Snapshot.mismatch(text + "\n", named: "inspect.txt") { Issue.record(Comment(rawValue: diff)) }
    }

    @Test func inspectJSON() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = try Self.writeSample(dir)
        let text = InspectCommand.renderJSON(ParquetSummary(try ParquetReader(path: path))).replacingOccurrences(
            of: path, with: "<file>")
        if let diff = Snapshot.mismatch(text + "\n", named: "inspect.json") { Issue.record(Comment(rawValue: diff)) }
    }

    @Test func headAlignsAndShowsNulls() throws {
        let text = HeadCommand.render(try Self.sampleFrame())
        if let diff = Snapshot.mismatch(text + "\n", named: "head.txt") { Issue.record(Comment(rawValue: diff)) }
    }

    @Test func exportCSVAndJSONLines() throws {
        let frame = try Self.sampleFrame()
        var csv = TextExporter(format: .csv)
        let csvText = String(decoding: csv.header(frame.schema) + csv.rows(frame), as: UTF8.self)
        #expect(
            csvText == """
                id,name,score,active,at,day,qty
                1,Zoë,1.5,true,1970-01-01T00:00:00Z,1970-01-01,-2147483648
                2,"",NaN,false,1969-12-31T23:59:59.999999Z,1969-12-31,0
                3,"a, ""quoted""
                line",-0.0,true,2025-11-29T02:06:51.123456Z,2024-10-04,7
                4,,,false,1970-01-02T00:00:00Z,1970-01-02,2147483647

                """)
        var jsonl = TextExporter(format: .jsonl)
        let jsonText = String(decoding: jsonl.rows(frame), as: UTF8.self)
        #expect(
            jsonText == """
                {"id":1,"name":"Zoë","score":1.5,"active":true,"at":"1970-01-01T00:00:00Z","day":"1970-01-01","qty":-2147483648}
                {"id":2,"name":"","score":NaN,"active":false,"at":"1969-12-31T23:59:59.999999Z","day":"1969-12-31","qty":0}
                {"id":3,"name":"a, \\"quoted\\"\\nline","score":-0.0,"active":true,"at":"2025-11-29T02:06:51.123456Z","day":"2024-10-04","qty":7}
                {"id":4,"name":null,"score":null,"active":false,"at":"1970-01-02T00:00:00Z","day":"1970-01-02","qty":2147483647}

                """)
    }

    /// The executable end to end: exit codes and a streamed, row-group-by-row-group export that
    /// pandas reads back to the same values.
    @Test func executableExitCodesAndExport() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = try Self.writeSample(dir, rowGroupRows: 1)
        let missing = try BuiltExecutable.run("bespoke", ["inspect", dir.file("missing.parquet")])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("missing.parquet: cannot open: No such file or directory"))
        let badColumn = try BuiltExecutable.run("bespoke", ["head", path, "--columns", "nope"])
        #expect(badColumn.status == 64)
        #expect(
            badColumn.stderr == "bespoke: \(path): no column 'nope' (columns: id, name, score, active, at, day, qty)\n")
        let notParquet = dir.file("text.parquet")
        try "hello, world\n".write(toFile: notParquet, atomically: true, encoding: .utf8)
        let corrupt = try BuiltExecutable.run("bespoke", ["inspect", notParquet])
        #expect(corrupt.status == 74)
        #expect(
            corrupt.stderr
                == "bespoke: \(notParquet): not a Parquet file: no PAR1 magic at the start (found 68 65 6c 6c)\n")

        let head = try BuiltExecutable.run("bespoke", ["head", path, "-n", "2", "--columns", "qty,id"])
        #expect(head.status == 0)
        #expect(head.stdout == "        qty  id\n-2147483648   1\n          0   2\n(2 of 4 rows)\n")

        let out = dir.file("out.csv.gz")
        let export = try BuiltExecutable.run("bespoke", ["export", path, "--format", "csv", "-o", out])
        #expect(export.status == 0)
        let pandas = try Python.run(
            script: """
                import sys, pandas as pd
                df = pd.read_csv(sys.argv[1], keep_default_na=False, na_values={"score": ["", "NaN"], "qty": [""]})
                print(len(df), list(df.columns), df["name"].tolist(), df["qty"].tolist())
                """, arguments: [out])
        #expect(
            pandas
                == "4 ['id', 'name', 'score', 'active', 'at', 'day', 'qty'] ['Zoë', '', 'a, \"quoted\"\\nline', ''] [-2147483648, 0, 7, 2147483647]\n"
        )
    }

    /// A null shows as NULL and the string "NULL" as "NULL" in quotes, so the two differ (golden file).
    @Test func headTellsANullFromTheStringNULL() throws {
        let frame = try Frame(
            schema: Schema([Field("id", .int64, nullable: false), Field("s", .string)]),
            columns: [
                Column(.int64([1, 2, 3])),
                Column(.string(StringArray(["NULL", "", "null"])), validity: [true, false, true]),
            ])
        let text = HeadCommand.render(frame)
        if let diff = Snapshot.mismatch(text + "\n", named: "head-null.txt") { Issue.record(Comment(rawValue: diff)) }
    }

    /// `--columns a,a` is a usage error (64) in `head` and `export`, not a corrupt-data 74.
    @Test(arguments: [["head"], ["export", "--format", "csv"]])
    func aColumnNamedTwiceIsAUsageError(_ command: [String]) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = try Self.writeSample(dir)
        let result = try BuiltExecutable.run("bespoke", command + [path, "--columns", "id,name,id"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("Error: --columns names 'id' more than once\n"), "\(result.stderr)")
        #expect(result.stdout == "")
    }

    /// A stage program's usage line names the program, not its arguments type (golden file).
    @Test func stageProgramHelpNamesTheProgram() throws {
        let help = try BuiltExecutable.run("bespoke-collect", ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: bespoke-collect "))
        if let diff = Snapshot.mismatch(help.stdout, named: "bespoke-collect-help.txt") {
            Issue.record(Comment(rawValue: diff))
        }
    }
}
