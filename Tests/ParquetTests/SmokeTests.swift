import Frame
import Parquet
import TestSupport
import Testing

@Test func smokeRoundTripReadByPyarrow() throws {
    let dir = TemporaryDirectory()
    defer { dir.remove() }
    let schema = Schema([Field("id", .int64, nullable: false), Field("name", .string), Field("price", .double)])
    let frame = try Frame(schema: schema, columns: [
        Column(.int64([1, 2, 3])),
        Column(.string(StringArray(["a", "", "ccc"])), validity: [true, false, true]),
        Column(.double([1.5, .nan, -0.0])),
    ])
    let path = dir.file("t.parquet")
    try ParquetWriter.write(frame, to: path)
    let back = try ParquetReader(path: path).read()
    #expect(back == frame)
    let out = try Python.run(script: "import pyarrow.parquet as pq,sys; print(pq.read_table(sys.argv[1]).to_pylist())", arguments: [path])
    #expect(out == "[{'id': 1, 'name': 'a', 'price': 1.5}, {'id': 2, 'name': None, 'price': nan}, {'id': 3, 'name': 'ccc', 'price': -0.0}]\n")
}
