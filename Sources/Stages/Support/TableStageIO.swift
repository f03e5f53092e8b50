import Foundation
import Frame
import Parquet
import Pipeline

/// The reading and writing that dedupe, impute and outliers share: one Parquet file in and out
/// per table the parameters name, `rejects.parquet` for dropped rows, and the row-conservation
/// check.
struct TableStageIO {
    /// The kind's name, which starts every message ("impute: table 'customers': …").
    let stage: String
    let context: StageContext

    /// The tables `params.tables` names, in file order, each checked to be an input of the stage.
    func configuredTables() throws(StageError) -> [(table: String, settings: JSONValue, path: String)] {
        guard case .object(let top) = context.params else {
            throw .invalidParameter(
                stage: stage, path: "params", message: "expected an object, got \(context.params.typeName)")
        }
        guard let tables = top.first(where: { $0.key == "tables" })?.value else {
            throw .invalidParameter(stage: stage, path: "params", message: "missing required parameter 'tables'")
        }
        guard case .object(let members) = tables else {
            throw .invalidParameter(
                stage: stage, path: "params.tables", message: "expected an object, got \(tables.typeName)")
        }
        let inputs = context.inputs.map(\.table)
        return try members.map { m throws(StageError) in
            let path = "params.tables." + m.key
            guard inputs.contains(m.key) else {
                throw .unknownTable(stage: stage, table: m.key, inputs: inputs, path: path)
            }
            return (m.key, m.value, path)
        }
    }

    func read(_ table: String) throws(StageError) -> Frame {
        guard let path = context.inputPath(table) else {
            throw .unknownTable(
                stage: stage, table: table, inputs: context.inputs.map(\.table), path: "params.tables.\(table)")
        }
        do { return try ParquetReader(path: path).read() } catch { throw .parquet(stage: stage, table: table, error) }
    }

    func write(_ frame: Frame, table: String) throws(StageError) {
        do { try ParquetWriter.write(frame, to: context.outputPath(table)) } catch {
            throw .parquet(stage: stage, table: table, error)
        }
    }

    /// Writes the rows of `frame` whose `keep` flag is set, a row group at a time, so only one
    /// row group's copy exists besides `frame`; returns the rows written.
    func write(_ frame: Frame, keeping keep: [Bool], table: String) throws(StageError) -> Int {
        let options = ParquetWriteOptions()
        do throws(ParquetError) {
            let writer = try ParquetWriter(path: context.outputPath(table), schema: frame.schema, options: options)
            var rows: [Int] = []
            rows.reserveCapacity(min(frame.rowCount, options.rowGroupRows))
            var written = 0
            do throws(ParquetError) {
                for i in 0..<frame.rowCount where keep[i] {
                    rows.append(i)
                    if rows.count == options.rowGroupRows {
                        try writer.write(frame.gather(rows))
                        written += rows.count
                        rows.removeAll(keepingCapacity: true)
                    }
                }
                if !rows.isEmpty {
                    try writer.write(frame.gather(rows))
                    written += rows.count
                }
                try writer.close()
            } catch {
                writer.abandon()
                throw error
            }
            return written
        } catch {
            throw .parquet(stage: stage, table: table, error)
        }
    }

    /// Writes `output`, whose rows are those of the input `table` (read as `input`), copying the
    /// stored chunks of every column that is not in `changed` and kept its field, and encoding
    /// only the rest: the row groups follow the input file's.
    func write(_ output: Frame, table: String, copyingUnchangedFrom input: Frame, except changed: Set<String>)
        throws(StageError)
    {
        guard let inputPath = context.inputPath(table), output.rowCount == input.rowCount else {
            return try write(output, table: table)
        }
        do throws(ParquetError) {
            let reader = try ParquetReader(path: inputPath)
            let writer = try ParquetWriter(path: context.outputPath(table), schema: output.schema)
            do throws(ParquetError) {
                var start = 0
                for g in 0..<reader.rowGroupCount {
                    let rows = Int(reader.metadata.rowGroups[g].numRows)
                    var copied: [Int: CopiedChunk] = [:]
                    for (c, field) in output.schema.fields.enumerated() where !changed.contains(field.name) {
                        guard let j = input.schema.index(of: field.name), input.schema.fields[j] == field,
                            let leaf = reader.schema.index(of: field.name), leaf == j
                        else { continue }
                        copied[c] = try reader.copyableChunk(group: g, column: j, as: field)
                    }
                    try writer.writeRowGroup(output, rows: start..<start + rows, copying: copied)
                    start += rows
                }
                try writer.close()
            } catch {
                writer.abandon()
                throw error
            }
        } catch {
            throw .parquet(stage: stage, table: table, error)
        }
    }

    /// Writes `rejects.parquet` when any row was dropped.
    func write(_ rejects: RejectedRows) throws(StageError) {
        guard rejects.count > 0 else { return }
        let path = context.outputDirectory + "/" + RejectedRows.fileName
        do { try ParquetWriter.write(rejects.frame, to: path) } catch {
            throw .parquet(stage: stage, table: "rejects", error)
        }
    }

    /// Throws unless `rowsIn == rowsOut + dropped`.
    func checkConservation(table: String, rowsIn: Int, rowsOut: Int, dropped: Int) throws(StageError) {
        guard rowsIn == rowsOut + dropped else {
            throw .rowsNotConserved(stage: stage, table: table, rowsIn: rowsIn, rowsOut: rowsOut, dropped: dropped)
        }
    }

    /// The column called `name`'s position, or an error naming the parameter that asked for it.
    static func column(_ name: String, in frame: Frame, stage: String, table: String, path: String) throws(StageError)
        -> Int
    {
        guard let i = frame.schema.index(of: name) else {
            throw .unknownColumn(stage: stage, table: table, column: name, available: frame.schema.names, path: path)
        }
        return i
    }
}

extension JSONValue {
    static func int(_ v: Int) -> JSONValue { .number(JSONNumber(v)) }
    static func double(_ v: Double) -> JSONValue {
        // JSON has no NaN or infinity; statistics that are not finite are recorded as null.
        v.isFinite ? .number(JSONNumber(v)) : .null
    }
}
