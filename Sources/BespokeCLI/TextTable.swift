/// Left-aligned text columns (right-aligned where asked), for terminal output.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []
    var rightAligned: Set<Int> = []

    init(_ header: [String], rightAligned: Set<Int> = []) {
        self.header = header
        self.rightAligned = rightAligned
    }

    mutating func append(_ row: [String]) { rows.append(row) }

    func render(indent: String = "") -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { i, cell in
                let fill = String(repeating: " ", count: widths[i] - cell.count)
                return rightAligned.contains(i) ? fill + cell : cell + fill
            }
            var s = indent + padded.joined(separator: "  ")
            while s.last == " " { s.removeLast() }
            return s
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
