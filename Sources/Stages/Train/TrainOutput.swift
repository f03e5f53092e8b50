import Frame
import Learn
import Pipeline

/// The train stage's tables and manifest figures, from a finished `TrainingRun`. Seconds go
/// only into the manifest's metrics, never into a table, so the tables are byte-identical
/// from run to run.
struct TrainOutput {
    let settings: TrainSettings
    let inputs: TrainingInputs
    let outcome: TrainingRun.Outcome

    /// The reports in the order pipeline.json names the models.
    var reports: [TrainedModelReport] {
        settings.models.compactMap { m in outcome.reports.first { $0.settings.name == m.name } }
    }

    var modelTables: [(name: String, table: ModelTable)] {
        reports.map { ($0.settings.name, ModelTable($0.model, configuration: $0.configuration)) }
    }

    /// Every table but `models`, which is written last: it records each model table's SHA-256,
    /// so a stage that reads `models` (score) is rerun whenever any model changes.
    var tables: [(name: String, frame: Frame)] {
        [("metrics", metricsFrame), ("trials", trialsFrame)]
            + modelTables.map { (TrainedModels.tableName($0.name), $0.table.frame) }
    }

    /// One row per (model, metric, K): the value, and popularity's beside it for ranking measures.
    var metricsFrame: Frame {
        var model: [String] = []
        var kind: [String] = []
        var metric: [String] = []
        var k: [Int32] = []
        var kValid: [Bool] = []
        var value: [Double] = []
        var popularity: [Double] = []
        var popularityValid: [Bool] = []
        for r in reports {
            for v in r.metrics {
                model.append(r.settings.name)
                kind.append(r.settings.kind.rawValue)
                metric.append(v.metric)
                k.append(Int32(v.k ?? 0))
                kValid.append(v.k != nil)
                value.append(v.value)
                let reference = outcome.popularity.first { $0.metric == v.metric && $0.k == v.k }
                popularity.append(reference?.value ?? 0)
                popularityValid.append(reference != nil)
            }
        }
        return try! Frame(
            schema: Schema([
                Field("model", .string, nullable: false), Field("kind", .string, nullable: false),
                Field("metric", .string, nullable: false), Field("k", .int32), Field("value", .double, nullable: false),
                Field("popularity", .double),
            ]),
            columns: [
                Column(.string(StringArray(model))), Column(.string(StringArray(kind))),
                Column(.string(StringArray(metric))), Column(.int32(k), validity: kValid),
                Column(.double(value)), Column(.double(popularity), validity: popularityValid),
            ])
    }

    /// Every grid point tried on the validation slice, its measured value and whether it was chosen.
    var trialsFrame: Frame {
        let trials = reports.flatMap(\.trials)
        return try! Frame(
            schema: Schema([
                Field("model", .string, nullable: false), Field("trial", .int32, nullable: false),
                Field("parameters", .string, nullable: false), Field("metric", .string, nullable: false),
                Field("value", .double), Field("chosen", .bool, nullable: false),
            ]),
            columns: [
                Column(.string(StringArray(trials.map(\.model)))), Column(.int32(trials.map { Int32($0.number) })),
                Column(.string(StringArray(trials.map { CanonicalJSON.string($0.point.json) }))),
                Column(.string(StringArray(trials.map(\.metric.description)))),
                Column(.double(trials.map { $0.value ?? 0 }), validity: trials.map { $0.value != nil }),
                Column(.bool(trials.map(\.chosen))),
            ])
    }

    func modelsFrame(_ tables: [(name: String, table: ModelTable)], tableHashes: [String]) -> Frame {
        let rs = reports
        return try! Frame(
            schema: TrainedModels.modelsSchema,
            columns: [
                Column(.string(StringArray(rs.map(\.settings.name)))),
                Column(.string(StringArray(rs.map(\.settings.kind.rawValue)))),
                Column(.string(StringArray(rs.map { CanonicalJSON.string($0.configuration.json) }))),
                Column(.int64(rs.map { _ in Int64(inputs.customerCount) })),
                Column(.int64(rs.map { _ in Int64(inputs.itemCount) })),
                Column(.int64(rs.map { Int64($0.trials.count) })), Column(.bool(tables.map(\.table.pruned))),
                Column(.string(StringArray(tableHashes))),
            ])
    }

    var counters: JSONValue {
        let tables = modelTables
        var models: [(key: String, value: JSONValue)] = []
        for (r, t) in zip(reports, tables) {
            var m: [(key: String, value: JSONValue)] = [
                ("kind", .string(r.settings.kind.rawValue)), ("configuration", r.configuration.json),
                ("trials", .int(r.trials.count)), ("table_rows", .int(t.table.count)),
            ]
            if t.table.pruned {
                m.append(("pruned", .bool(true)))
            }
            if let best = r.trials.first(where: \.chosen) {
                m.append(("selected_by", .string(best.metric.description)))
                m.append(("validation_value", best.value.map(JSONValue.double) ?? .null))
                m.append(
                    (
                        "trial_values",
                        .array(
                            r.trials.map {
                                .object([
                                    ("parameters", $0.point.json), ("value", $0.value.map(JSONValue.double) ?? .null),
                                ])
                            })
                    ))
            }
            models.append((r.settings.name, .object(m)))
        }
        return .object([
            ("evaluation", .string(outcome.mode.rawValue)), ("customers", .int(inputs.customerCount)),
            ("items", .int(inputs.itemCount)), ("train_pairs", .int(inputs.train.count)),
            ("test_pairs", .int(inputs.test.count)), ("rated_train_pairs", .int(inputs.train.ratedCount)),
            ("validation_pairs", .int(outcome.validationPairs)), ("models", .object(models)),
        ])
    }

    /// Per model: each metric ("ndcg@10", "rmse"), fit and evaluation seconds; popularity's too.
    var metrics: JSONValue {
        func entries(_ values: [MeasuredValue]) -> [(key: String, value: JSONValue)] {
            values.map { v in (v.k.map { "\(v.metric)@\($0)" } ?? v.metric, JSONValue.double(v.value)) }
        }
        var out: [(key: String, value: JSONValue)] = reports.map { r in
            (
                r.settings.name,
                .object(
                    entries(r.metrics) + [
                        ("fit_seconds", .double(r.fitSeconds)), ("evaluation_seconds", .double(r.evaluationSeconds)),
                    ])
            )
        }
        if !outcome.popularity.isEmpty { out.append(("popularity_reference", .object(entries(outcome.popularity)))) }
        return .object(out)
    }
}
