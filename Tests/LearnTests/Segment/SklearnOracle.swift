import Foundation
import Learn
import TestSupport

/// Runs a scikit-learn script on data handed over as JSON and returns its JSON answer.
///
/// Doubles cross as Swift's shortest round-trip text and come back as Python's `repr`, so no
/// precision is lost either way. The script reads `json.load(open(sys.argv[1]))` and prints one
/// JSON object.
enum SklearnOracle {
    static let available = (try? PythonScript.run("import sklearn")) != nil

    static func run(_ script: String, input: [String: JSONValue]) throws -> [String: Any] {
        let dir = TemporaryDirectory("bespoke-sklearn")
        defer { dir.remove() }
        let path = dir.file("input.json")
        try JSONValue.object(input).text.write(toFile: path, atomically: false, encoding: .utf8)
        let output = try PythonScript.run("import json, sys\nimport numpy as np\n" + script, arguments: [path])
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8))
        return object as! [String: Any]
    }

    static func doubles(_ any: Any?) -> [Double] { (any as! [Any]).map { ($0 as! NSNumber).doubleValue } }
    static func ints(_ any: Any?) -> [Int32] { (any as! [Any]).map { Int32(truncating: $0 as! NSNumber) } }
    static func double(_ any: Any?) -> Double { (any as! NSNumber).doubleValue }
}

/// The JSON sent to the reference scripts.
enum JSONValue {
    case number(Double)
    case int(Int)
    case string(String?)
    case array([JSONValue])
    case object([String: JSONValue])

    static func doubles(_ values: [Double]) -> JSONValue { .array(values.map { .number($0) }) }
    static func ints<T: BinaryInteger>(_ values: [T]) -> JSONValue { .array(values.map { .int(Int($0)) }) }

    var text: String {
        switch self {
        case .number(let x): x.isFinite ? "\(x)" : "NaN"
        case .int(let i): "\(i)"
        case .string(let s):
            if let s {
                String(data: try! JSONSerialization.data(withJSONObject: [s]), encoding: .utf8)!.dropFirst().dropLast()
                    .description
            } else {
                "null"
            }
        case .array(let a): "[" + a.map(\.text).joined(separator: ",") + "]"
        case .object(let o):
            "{" + o.keys.sorted().map { JSONValue.string($0).text + ":" + o[$0]!.text }.joined(separator: ",") + "}"
        }
    }
}

/// Seeded test data shared by the segmentation and classification tests.
enum TestData {
    /// `perBlob` rows around each of `centres` (each `features` long) with unit Gaussian noise
    /// scaled by `spread`, blobs interleaved row by row; returns the matrix and the planted labels.
    static func blobs(
        centres: [[Double]], perBlob: Int, spread: Double = 1, seed: UInt64
    ) -> (FeatureMatrix, [Int32]) {
        var random = SeededRandom(seed: seed)
        let d = centres[0].count
        var values = [Double]()
        var labels = [Int32]()
        for _ in 0..<perBlob {
            for (c, centre) in centres.enumerated() {
                for f in 0..<d { values.append(centre[f] + spread * random.nextGaussian()) }
                labels.append(Int32(c))
            }
        }
        return (try! FeatureMatrix(values: values, rows: labels.count, columns: d), labels)
    }

    static let threeBlobCentres: [[Double]] = [[0, 0, 0, 0], [6, 6, 0, 2], [-5, 6, 4, -3]]
}
