import ArgumentParser
import Fixtures
import Foundation

/// `bespoke fixtures`: generates the synthetic retail business with planted defects and `truth.json`.
struct FixturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures",
        abstract:
            "Generate a synthetic retail business (customers, items, events) with planted defects and truth.json.",
        discussion:
            "The same seed and options give byte-identical files. The committed set is `bespoke fixtures --seed 42 --out Fixtures --gzip`."
    )

    @Option(help: "Seed of every random draw.")
    var seed: UInt64 = 42

    @Option(help: "Number of customers.")
    var customers: Int = 3_000

    @Option(help: "Number of catalogue items.")
    var items: Int = 500

    @Option(help: "Days in the event window (ending 2026-11-01).")
    var days: Int = 120

    @Option(help: "Natural events before planted copies.")
    var events: Int = 100_000

    @Option(help: "File format: csv, jsonl or parquet.")
    var format: FixtureOptions.Format = .csv

    @Flag(help: "Gzip the CSV or JSON Lines files (.gz).")
    var gzip = false

    @Option(help: "zlib level for --gzip (1-9).")
    var gzipLevel: Int = 6

    @Option(help: "Output folder.")
    var out: String = "Fixtures"

    func validate() throws {
        do { try options.validate() } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        do {
            let summary = try FixtureGenerator.generate(options, into: out)
            for file in summary.files { print(file) }
        } catch {
            // Bad options were refused by validate(); what is left is a file that could not be written.
            FileHandle.standardError.write(Data("bespoke: \(error)\n".utf8))
            throw ExitCode(ExitStatus.cannotCreate)
        }
    }

    private var options: FixtureOptions {
        var options = FixtureOptions()
        options.seed = seed
        options.customers = customers
        options.items = items
        options.days = days
        options.events = events
        options.format = format
        options.gzip = gzip
        options.gzipLevel = gzipLevel
        return options
    }
}

extension FixtureOptions.Format: ExpressibleByArgument {}
