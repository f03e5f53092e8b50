import ArgumentParser
import Frame

/// The `bespoke` driver: inspects artifacts and (with the engine) runs and plans pipelines.
/// Every subcommand's `run()` parses, calls the library, and maps errors to exit codes.
public struct BespokeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bespoke",
        abstract: "Bespoke: a nightly batch pipeline from raw customer data to personalised experiences.",
        version: BespokeVersion.string,
        subcommands: [
            InspectCommand.self,
            HeadCommand.self,
            ExportCommand.self,
            FixturesCommand.self,
            RunCommand.self,
            StatusCommand.self,
            DagCommand.self,
            RunsCommand.self,
            DiffCommand.self,
            ValidateCommand.self,
            InitCommand.self,
            SniffCommand.self,
            SchemaCommand.self,
            StageCommand.self,
        ]
    )

    public init() {}
}
