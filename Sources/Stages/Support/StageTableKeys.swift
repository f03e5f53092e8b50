/// The rows' identity in the built-in stages' tables, for comparing two runs of them row by row
/// (`bespoke diff`) when pipeline.json declares no key for the table.
public enum StageTableKeys {
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
