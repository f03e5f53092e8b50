/// Bespoke's version: written into Parquet `created_by`, manifests and `bespoke --version`.
public enum BespokeVersion {
    public static let string = "0.1.0"
}
