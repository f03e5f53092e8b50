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
}
