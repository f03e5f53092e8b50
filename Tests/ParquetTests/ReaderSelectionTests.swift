import Frame
import Parquet
import TestSupport
import Testing

/// Reading parts of a file: some columns in any order, some row groups in any order, one row group.
struct ReaderSelectionTests {
    static let rows = 53
    static let rowGroupRows = 10

    /// A mixed frame written as 6 row groups (5 × 10 + 3) of 4-row pages.
    static func written(_ dir: TemporaryDirectory) throws -> (Frame, ParquetReader) {
        let frame = SampleData.mixed(rows: rows)
        var options = ParquetWriteOptions()
        options.rowGroupRows = rowGroupRows
        options.pageRows = 4
        let path = dir.file("sel.parquet")
        try ParquetWriter.write(frame, to: path, options: options)
        return (frame, try ParquetReader(path: path))
    }

    static func groupRange(_ g: Int) -> Range<Int> { g * rowGroupRows..<min((g + 1) * rowGroupRows, rows) }

    static let columnSelections: [[String]] = [
        ["string_someNulls"],
        ["timestamp_required", "int32_someNulls"],
        ["date_someNulls", "bool_required", "double_someNulls", "int64_required"],
        [],
    ]

    @Test(arguments: columnSelections)
    func selectedColumns(_ names: [String]) throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let (frame, reader) = try Self.written(dir)
        let expected = names.isEmpty ? Frame.empty : try frame.selecting(names)
        for threads in [1, 2] {
            let back = try reader.read(columns: names, threads: threads)
            #expect(back.schema.names == names)
            #expect(back == expected)
        }
    }

    static let groupSelections: [[Int]] = [[0], [5], [3, 1], [5, 0, 2], [2, 2], []]

    @Test(arguments: groupSelections)
    func selectedRowGroups(_ groups: [Int]) throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let (frame, reader) = try Self.written(dir)
        let expected = try Frame.concatenate(groups.map { frame.slice(Self.groupRange($0)) }, schema: frame.schema)
        #expect(try reader.read(rowGroups: groups) == (groups.isEmpty ? frame.slice(0..<0) : expected))
        let names = ["string_someNulls", "int32_someNulls"]
        let expectedColumns = try expected.selecting(names)
        #expect(
            try reader.read(columns: names, rowGroups: groups, threads: 2)
                == (groups.isEmpty ? frame.slice(0..<0).selecting(names) : expectedColumns))
    }

    @Test func everyRowGroupAlone() throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let (frame, reader) = try Self.written(dir)
        #expect(reader.rowGroupCount == 6)
        for g in 0..<reader.rowGroupCount {
            #expect(try reader.readRowGroup(g) == frame.slice(Self.groupRange(g)), "row group \(g)")
            #expect(
                try reader.readRowGroup(g, columns: ["double_someNulls"])
                    == frame.slice(Self.groupRange(g)).selecting(["double_someNulls"]))
        }
    }

    @Test func unknownColumnAndRowGroup() throws {
        let dir = TemporaryDirectory("bespoke-ptest")
        defer { dir.remove() }
        let (frame, reader) = try Self.written(dir)
        let path = dir.file("sel.parquet")
        #expect(throws: ParquetError.unknownColumn(path: path, name: "nope", available: frame.schema.names)) {
            try reader.read(columns: ["int32_someNulls", "nope"])
        }
        #expect(throws: ParquetError.unknownRowGroup(path: path, index: 6, count: 6)) { try reader.readRowGroup(6) }
        #expect(throws: ParquetError.unknownRowGroup(path: path, index: -1, count: 6)) {
            try reader.read(rowGroups: [0, -1])
        }
        let names = frame.schema.names.joined(separator: ", ")
        #expect(
            ParquetError.unknownColumn(path: path, name: "nope", available: frame.schema.names).description
                == "\(path): no column 'nope' (columns: \(names))")
        #expect(
            ParquetError.unknownRowGroup(path: path, index: 6, count: 6).description
                == "\(path): no row group 6 (the file has 6)")
    }
}
