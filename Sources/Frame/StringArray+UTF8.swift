extension StringArray {
    /// The first of `rows` whose bytes are not valid UTF-8, with the offset of the bad byte in
    /// that value; nil when every value is valid.
    ///
    /// One pass over the rows' bytes, then one look at the first byte of each value: a valid
    /// concatenation in which no value starts with a continuation byte is a list of valid values.
    public func firstInvalidUTF8(in rows: Range<Int>) -> (row: Int, byte: Int)? {
        guard !rows.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> (row: Int, byte: Int)? in
            guard let base = buffer.baseAddress else { return nil }
            func check(_ row: Int) -> (row: Int, byte: Int)? {
                let r = range(row)
                return UTF8Validation.firstInvalidByte(base + r.lowerBound, r.count).map { (row, $0) }
            }
            let start = offsets[rows.lowerBound]
            let end = offsets[rows.upperBound]
            if UTF8Validation.firstInvalidByte(base + start, end - start) != nil {
                // Rare: find the value, one by one.
                for row in rows { if let found = check(row) { return found } }
                return nil
            }
            var previous: Int?
            for row in rows where offsets[row] < offsets[row + 1] {
                if base[offsets[row]] & 0xC0 == 0x80 { return (previous.flatMap(check) ?? check(row)) }
                previous = row
            }
            return nil
        }
    }
}
