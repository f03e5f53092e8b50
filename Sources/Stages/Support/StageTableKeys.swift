import Pipeline

/// The rows' identity in the built-in stages' tables, for comparing two runs of them row by row
/// (`bespoke diff`) when pipeline.json declares no key for the table.
public enum StageTableKeys {
    /// The customer column of `table` when a stage's `key` / `customer_key` is null: the key
    /// pipeline.json declares for the table (a source's `key`, or `tables`) when it is one column,
    /// else `customer_id` (the features stage's tables).
    static func customerKey(of table: String, in config: PipelineConfig) -> String {
        if let key = config.key(ofTable: table), key.count == 1 { return key[0] }
        return "customer_id"
    }

    public static let conventional: [String: [String]] = {
        var keys: [String: [String]] = [:]
        for table in [
            "customer_index", "customer_features", "churn_features", "segment_assignments", "churn_out_of_fold",
            "customer_segments", "churn_scores",
        ] {
            keys[table] = ["customer_id"]
        }
        for table in ["item_index", "item_features"] { keys[table] = ["item_id"] }
        for table in ["interactions", "train_interactions", "test_interactions"] {
            keys[table] = ["customer_id", "item_id"]
        }
        keys["item_terms"] = ["item_id", "term"]
        keys["vocabulary"] = ["term"]
        keys["recommendations"] = ["customer_id", "rank"]
        keys["segments"] = ["segment"]
        keys["models"] = ["model"]
        keys["metrics"] = ["model", "metric", "k"]
        keys["trials"] = ["model", "trial"]
        keys["churn_coefficients"] = ["feature"]
        keys["churn_evaluation"] = ["scope", "fold"]
        keys["churn_calibration"] = ["bin"]
        return keys
    }()
}
