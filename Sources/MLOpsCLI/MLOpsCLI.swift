import Foundation
import MLOps

/// The `mlops` command-line tool: a table of commands and a tiny driver.
public enum MLOpsCLI {
    /// The tool's version.
    public static let version = "0.1.0"

    /// Every command, in the order `mlops --help` lists them.
    static var commands: [CommandSpec] {
        [
            DemoCommand.spec,
            StoreCheckCommand.spec,
            ExportCommand.spec,
            TrainCommand.spec,
            EvaluateCommand.spec,
            PredictCommand.spec,
            InspectCommand.spec,
            BenchCommand.spec,
            ServeBenchCommand.spec,
        ] + TrackingCommands.specs + DataCommands.specs + ModelsCommands.specs + MonitorCommands.specs + [
            CommandSpec(
                path: ["version"], summary: "print the version and the kernels' instruction set", options: [],
                run: { _, context in
                    context.out("mlops \(version)")
                    context.out("kernels \(KernelISA.current)")
                })
        ]
    }

    /// Runs the tool with the process's arguments and exits with its status.
    public static func main() async {
        let status = await run(
            Array(CommandLine.arguments.dropFirst()),
            context: .standard(environment: ProcessInfo.processInfo.environment))
        Platform.exit(status)
    }

    /// Runs one command line and returns the exit status: 0 on success, 1 when
    /// the command failed, 2 for a usage error. Errors go to the context's
    /// standard error.
    static func run(_ arguments: [String], context: CommandContext) async -> Int32 {
        let parser = ArgumentParser(commands: commands)
        let outcome: ParseOutcome
        do {
            outcome = try parser.parse(arguments)
        } catch {
            report(error, context)
            return 2
        }
        switch outcome {
        case .help(nil):
            context.out(parser.overview)
            return 0
        case .help(let command?):
            context.out(command.help)
            return 0
        case .groupHelp(let group):
            context.out(group.help)
            return 0
        case .run(let command, let arguments):
            do {
                try await command.run(arguments, context)
                return 0
            } catch let error as MLOpsError {
                // The value is left out when the message already names it ("no workspace at DIR").
                let value = error.value.flatMap { error.message.contains($0) ? nil : " (\($0))" } ?? ""
                context.err(TextTable.escapingControlCharacters("error: \(error.message)" + value))
                return 1
            } catch let error as UsageError {
                report(error, context)
                return 2
            } catch {
                context.err(TextTable.escapingControlCharacters("error: \(error)"))
                return 1
            }
        }
    }

    /// Writes a usage error to standard error: the message, the usage line, then any further help.
    private static func report(_ error: UsageError, _ context: CommandContext) {
        context.err(TextTable.escapingControlCharacters("error: \(error.message)"))
        if let usage = error.usage { context.err("usage: \(usage)") }
        if let help = error.help {
            context.err("")
            context.err(help)
        }
    }
}
