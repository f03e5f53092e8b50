import Foundation
import FuzzSupport
import Ingest
import Pipeline
import Stages

runFuzzer { data, size in data.map { fuzzPipeline($0, size) } ?? 0 }

/// libFuzzer target: pipeline.json as `bespoke validate` reads it: the strict JSON parser, the
/// validator with the built-in stage kinds, the canonical JSON hash, and each source's reader
/// options decoded and checked as `collect` does.
func fuzzPipeline(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let document: JSONValue
    do { document = try JSONParser.parse(bytes) } catch {
        _ = error.description
        return 0
    }
    _ = CanonicalJSON.pretty(document)
    let config: PipelineConfig
    do {
        config = try PipelineValidator(registry: Kinds.registry).validate(document, file: "/nonexistent/pipeline.json")
    } catch {
        _ = "\(error)"
        return 0
    }
    _ = config.hash
    for source in config.sources {
        let json = CanonicalJSON.string(source.options == .null ? .object([]) : source.options)
        guard var options = try? JSONDecoder().decode(SourceOptions.self, from: Data(json.utf8)) else { continue }
        if let format = source.format { options.format = SourceFormat(rawValue: format) }
        _ = options.issues().map(\.description)
    }
    return 0
}

enum Kinds {
    static let registry = StageKindRegistry(BuiltInStages.kinds)
}
