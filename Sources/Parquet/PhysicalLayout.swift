import Frame

/// How each Frame type is stored: physical type plus converted and logical annotations.
struct PhysicalLayout {
    var physical: PhysicalType
    var converted: ConvertedType?
    var logical: LogicalType?

    init(_ type: DataType) {
        switch type {
        case .int32: self.init(physical: .int32)
        case .int64: self.init(physical: .int64)
        case .double: self.init(physical: .double)
        case .bool: self.init(physical: .boolean)
        case .string: self.init(physical: .byteArray, converted: .utf8, logical: .string)
        case .timestamp:
            self.init(
                physical: .int64, converted: .timestampMicros, logical: .timestamp(isAdjustedToUTC: true, unit: .micros)
            )
        case .date: self.init(physical: .int32, converted: .date, logical: .date)
        }
    }

    init(physical: PhysicalType, converted: ConvertedType? = nil, logical: LogicalType? = nil) {
        self.physical = physical
        self.converted = converted
        self.logical = logical
    }

    func schemaElement(for field: Field) -> SchemaElement {
        var e = SchemaElement(name: field.name)
        e.type = physical
        e.repetition = field.nullable ? .optional : .required
        e.convertedType = converted?.rawValue
        e.logicalType = logical
        return e
    }
}
