import Frame
import Testing

@testable import Pipeline

@Suite struct TableSelectorTests {
    @Test func prefixedParameterKeysNameOneTablePerEntry() {
        let params: JSONValue = ["models": ["als": ["kind": "als"], "pop": ["kind": "popularity"]], "k": [10]]
        let selector = TableSelector.prefixedParameterKeys("models", prefix: "model_")
        #expect(selector.resolve(sources: ["events"], params: params) == ["model_als", "model_pop"])
    }

    @Test func prefixedParameterKeysOfAnAbsentOrNonObjectParameterAreNone() {
        let selector = TableSelector.prefixedParameterKeys("models", prefix: "model_")
        #expect(selector.resolve(sources: [], params: ["k": [10]]).isEmpty)
        #expect(selector.resolve(sources: [], params: ["models": "als"]).isEmpty)
    }

    /// `when` resolves its selector only when the condition parameter is set: the score stage reads
    /// the catalogue `items` names only with a `model`, the customer table only for segments or churn.
    @Test func whenResolvesItsSelectorOnlyWhenTheParameterIsSet() {
        let selector = TableSelector.when("model", .parameter("items"))
        #expect(selector.resolve(sources: [], params: ["model": "als", "items": "catalogue"]) == ["catalogue"])
        #expect(selector.resolve(sources: [], params: ["model": .null, "items": "catalogue"]).isEmpty)
        #expect(selector.resolve(sources: [], params: ["items": "catalogue"]).isEmpty)
        #expect(selector.parameterName == "items")
    }
}

/// `bespoke diff` shows changed timestamps and dates as ISO 8601, not as µs or days since 1970.
@Suite struct TableCellTests {
    @Test func timestampsAndDatesReadAsISO8601() {
        let t = Column(.timestamp([1_709_287_200_000_000, 1_709_287_200_500_000]))
        #expect(TableCell(column: t, row: 0).text == "2024-03-01T10:00:00Z")
        #expect(TableCell(column: t, row: 1).text == "2024-03-01T10:00:00.500000Z")
        #expect(TableCell(column: t, row: 0) != TableCell(column: t, row: 1))
        #expect(TableCell(column: Column(.date([19_783])), row: 0).text == "2024-03-01")
        #expect(TableCell(column: t, row: 0).number == nil)
    }
}
