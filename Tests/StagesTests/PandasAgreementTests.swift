import Foundation
import Frame
import Parquet
import Pipeline
import Stages
import TestSupport
import Testing

/// Our statistics against pandas on the same Parquet file, compared exactly (bit for bit):
/// mean and std too, because `NumericSample` sums as numpy does (pairwise, missing as 0).
/// Skipped when python3 has no pandas.
@Suite struct PandasAgreementTests {
    static let pandasAvailable: Bool = (try? PythonScript.run("import pandas, pyarrow")) != nil

    /// 3,000 rows: 7 cities (and nulls), incomes with nulls and NaN, integer ages, a heavy tail.
    static func sample() -> Frame {
        var rng = SplitMix64(seed: 42)
        let n = 3_000
        var city: [String?] = [], income: [Double?] = [], age: [Int64?] = [], id: [Int64] = [], t: [Int64] = []
        for i in 0..<n {
            let r = rng.next()
            city.append(r % 50 == 0 ? nil : ["Paris", "Lyon", "Nice", "Lille", "Metz", "Brest", "Pau"][Int(r % 7)])
            let u = Double(rng.next() % 1_000_000) / 1_000_000
            let cityFactor = Double(r % 7 + 1)
            income.append(
                r % 13 == 0 ? nil : (r % 17 == 0 ? .nan : cityFactor * 10_000 * (1 + u) + (r % 97 == 0 ? 1e6 * u : 0)))
            age.append(r % 11 == 0 ? nil : Int64(18 + rng.next() % 60) + (r % 101 == 0 ? 200 : 0))
            id.append(Int64(rng.next() % 800))
            t.append(Int64(rng.next() % 50))
            _ = i
        }
        return Toy.frame([
            ("city", Toy.strings(city)), ("income", Toy.doubles(income)), ("age", Toy.ints(age)),
            ("id", Toy.ints(id)), ("t", Toy.ints(t)),
        ])
    }

    static let script = #"""
        import json, sys
        import numpy as np, pandas as pd
        df = pd.read_parquet(sys.argv[1])
        out = {}
        def f(v):
            v = float(v)
            return None if v != v else v
        for c in ['income', 'age']:
            s = df[c].astype('float64')
            med = s.median()
            out[c] = {'mean': f(s.mean()), 'std1': f(s.std()), 'std0': f(s.std(ddof=0)), 'median': f(med),
                      'q': [f(s.quantile(q)) for q in (0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99)],
                      'mad': f((s - med).abs().median())}
            q1, q3 = s.quantile(0.25), s.quantile(0.75)
            out[c]['iqr_bounds'] = [f(q1 - 1.5 * (q3 - q1)), f(q3 + 1.5 * (q3 - q1))]
            z = (s - s.mean()) / s.std()
            out[c]['z_flagged'] = [int(i) for i in np.flatnonzero((z.abs() > 2.5).to_numpy())]
            mz = 0.6745 * (s - med) / out[c]['mad']
            out[c]['mz_flagged'] = [int(i) for i in np.flatnonzero((mz.abs() > 3.5).to_numpy())]
            groups = {}
            for city, g in df.groupby('city'):
                gs = g[c].astype('float64')
                groups[city] = {'median': f(gs.median()), 'mean': f(gs.mean()), 'q1': f(gs.quantile(0.25)), 'q3': f(gs.quantile(0.75))}
            out[c]['groups'] = groups
        filled = df['income'].fillna(df.groupby('city')['income'].transform('median')).fillna(df['income'].median())
        out['income_filled_by_city'] = [f(v) for v in filled]
        out['gender_mode'] = None
        kept = df.sort_values('t', kind='stable').drop_duplicates(['id'], keep='last').sort_index()
        out['dedupe_last_by_t'] = [int(i) for i in kept.index]
        kept = df.sort_values('t', kind='stable').drop_duplicates(['id'], keep='first').sort_index()
        out['dedupe_first_by_t'] = [int(i) for i in kept.index]
        print(json.dumps(out))
        """#

    struct Reference {
        let json: JSONValue
        func double(_ path: String) -> Double? { json.at(path)?.doubleValue }
        func doubles(_ path: String) -> [Double?] { json.at(path)?.arrayValue?.map(\.doubleValue) ?? [] }
        func ints(_ path: String) -> [Int] { json.at(path)?.arrayValue?.compactMap { $0.intValue.map(Int.init) } ?? [] }
    }

    func reference(_ frame: Frame) throws -> Reference {
        let dir = TemporaryDirectory("bespoke-pandas")
        defer { dir.remove() }
        try ParquetWriter.write(frame, to: dir.file("sample.parquet"))
        let text = try PythonScript.run(Self.script, arguments: [dir.file("sample.parquet")])
        return Reference(json: try JSONParser.parse(text))
    }

    @Test(.enabled(if: pandasAvailable)) func globalAndGroupStatisticsMatchPandasExactly() throws {
        let frame = Self.sample()
        let ref = try reference(frame)
        for name in ["income", "age"] {
            let column = frame[name]!
            let sample = column.numericSample()
            let sorted = sample.sortedValues()
            #expect(sample.mean() == ref.double("\(name).mean"), "\(name) mean")
            #expect(sample.standardDeviation(ddof: 1) == ref.double("\(name).std1"), "\(name) std")
            #expect(sample.standardDeviation(ddof: 0) == ref.double("\(name).std0"), "\(name) std ddof 0")
            #expect(Statistics.median(sorted: sorted) == ref.double("\(name).median"), "\(name) median")
            let qs = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99].map { Statistics.quantile(sorted: sorted, $0) }
            #expect(qs == ref.doubles("\(name).q"), "\(name) quantiles")
            #expect(Statistics.medianAbsoluteDeviation(sorted: sorted) == ref.double("\(name).mad"), "\(name) MAD")

            // IQR limits and the rows the z-score and modified z-score rules flag.
            let detector = OutlierDetector(rules: [
                OutlierRule(column: name, kind: .iqr, action: .flag, flagColumn: "iqr"),
                OutlierRule(column: name, kind: .zscore, action: .flag, threshold: 2.5, flagColumn: "z"),
                OutlierRule(column: name, kind: .mad, action: .flag, flagColumn: "mz"),
            ])
            let result = try detector.run(frame)
            let iqr = try #require(result.reports[0].limits)
            #expect([iqr.lower, iqr.upper] == ref.doubles("\(name).iqr_bounds"), "\(name) IQR limits")
            func flagged(_ c: String) -> [Int] {
                guard case .bool(let v) = result.frame[c]!.values else { return [] }
                return v.indices.filter { v[$0] }
            }
            #expect(flagged("z") == ref.ints("\(name).z_flagged"), "\(name) z-score flags")
            #expect(flagged("mz") == ref.ints("\(name).mz_flagged"), "\(name) modified z-score flags")

            // Per city, each group's statistics as pandas computes them on the group's rows.
            let groups = try frame.groups(by: ["city"], nulls: .exclude)
            let members = groups.members()
            for g in 0..<groups.count {
                let key = frame["city"]!.values
                guard case .string(let cities) = key else { continue }
                let city = cities[groups.firstRows[g]]
                let rows = Array(members.rows[members.offsets[g]..<members.offsets[g + 1]])
                let s = column.numericSample(rows: rows)
                let sv = s.sortedValues()
                #expect(
                    Statistics.median(sorted: sv) == ref.double("\(name).groups.\(city).median"),
                    "\(name) \(city) median")
                #expect(s.mean() == ref.double("\(name).groups.\(city).mean"), "\(name) \(city) mean")
                #expect(Statistics.quantile(sorted: sv, 0.25) == ref.double("\(name).groups.\(city).q1"))
                #expect(Statistics.quantile(sorted: sv, 0.75) == ref.double("\(name).groups.\(city).q3"))
            }
        }

        // Median by city, falling back to the global median.
        let imputed = try Imputer(columns: [("income", ColumnImputation(.median, groupBy: ["city"]))]).run(frame)
        let filled = imputed.frame["income"]!
        let ours = (0..<filled.count).map { filled.isMissing($0) ? nil : filled.doubleValue($0) }
        #expect(ours == ref.doubles("income_filled_by_city"))

        // Keep last / first by t, ties by input order, as a stable sort then drop_duplicates.
        for (keep, path) in [(DedupeSettings.Keep.last, "dedupe_last_by_t"), (.first, "dedupe_first_by_t")] {
            let result = try Deduplicator(exact: false, key: ["id"], keep: keep, orderBy: "t").run(frame)
            #expect(result.keep.indices.filter { result.keep[$0] } == ref.ints(path), "dedupe keep \(keep)")
        }
    }
}
