import MLOps
import Testing

@testable import MLOpsCLI

/// Group help (`mlops runs --help`), `--version`, and the escaping of stored text on the terminal.
@Suite struct CLIHelpTests {
    /// Every first word shared by several commands, e.g. `runs`.
    static var groups: [String] {
        var names: [String] = []
        for command in MLOpsCLI.commands where command.path.count > 1 {
            if !names.contains(command.path[0]) { names.append(command.path[0]) }
        }
        return names
    }

    @Test func theToolHasTheExpectedGroups() {
        #expect(Set(Self.groups).isSuperset(of: ["store", "runs", "experiments"]))
    }

    @Test func groupHelpListsTheSubcommandsWithTheirSummaries() async {
        for group in Self.groups {
            let commands = MLOpsCLI.commands.filter { $0.path.first == group }
            for arguments in [[group, "--help"], [group, "-h"], ["help", group]] {
                let result = await runCLI(arguments)
                #expect(result.status == 0, "\(arguments): \(result.err)")
                let text = result.out.joined(separator: "\n")
                #expect(text.contains("USAGE: mlops \(group) <subcommand>"), "\(arguments)")
                for command in commands {
                    let line = "  " + pad(command.path.dropFirst().joined(separator: " "), 22) + command.summary
                    #expect(text.contains(line), "\(arguments): \(line)")
                }
            }
        }
    }

    @Test func aGroupWithoutASubcommandPrintsTheSameListAsAUsageError() async {
        let help = await runCLI(["runs", "--help"])
        let bare = await runCLI(["runs"])
        #expect(bare.status == 2)
        #expect(bare.out.isEmpty)
        #expect(bare.err.first == "error: 'runs' needs a subcommand (list, show, search, compare), got nothing")
        #expect(bare.err.last == help.out.last)
        #expect(bare.err.joined(separator: "\n").contains(help.out.joined(separator: "\n")))
        let unknown = await runCLI(["store", "fix"])
        #expect(unknown.status == 2)
        #expect(unknown.err.joined(separator: "\n").contains("  check "))
    }

    @Test func exportHelpIsTheCommandsHelp() async {
        let result = await runCLI(["export", "--help"])
        #expect(result.status == 0)
        #expect(result.out.joined().contains("USAGE: mlops export"))
    }

    @Test func versionFlagPrintsTheVersion() async {
        let flag = await runCLI(["--version"])
        let command = await runCLI(["version"])
        #expect(flag.status == 0)
        #expect(flag.out == ["mlops \(MLOpsCLI.version)", "kernels \(KernelISA.current)"])
        #expect(flag.out == command.out)
    }

    @Test func theOverviewMentionsGroupHelp() async {
        let result = await runCLI(["--help"])
        #expect(result.out.joined().contains("'mlops <group> --help'"))
    }

    @Test(arguments: [
        ("plain name", "plain name"),
        ("evil\u{1B}[2Jname\u{07}", "evil\\u{1B}[2Jname\\u{7}"),
        ("two\nlines\ttab\r", "two\\nlines\\ttab\\r"),
        ("del\u{7F} c1\u{9B} rlo\u{202E}x", "del\\u{7F} c1\\u{9B} rlo\\u{202E}x"),
        ("unicode ok: é 名前 🙂", "unicode ok: é 名前 🙂"),
    ])
    func controlCharactersAreEscaped(_ text: String, _ expected: String) {
        #expect(TextTable.escapingControlCharacters(text) == expected)
    }

    @Test func storedNamesWithControlCharactersArePrintedEscaped() async throws {
        let (path, tracker) = try trackedWorkspace("escape")
        let name = "bad\u{1B}]0;pwned\u{07}name"
        let id = try await tracker.withRun(experiment: name, name: "run\u{1B}[31mred") { run in run.runID }
        for arguments in [["experiments", "list"], ["runs", "list"], ["runs", "show", id]] {
            let result = await runCLI(arguments + ["--workspace", path])
            #expect(result.status == 0, "\(arguments): \(result.err)")
            let text = result.out.joined(separator: "\n")
            #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(arguments)")
            if arguments[0] == "runs" { #expect(text.contains("run\\u{1B}[31mred"), "\(arguments)") }
        }
        let listing = await runCLI(["experiments", "list", "--workspace", path])
        #expect(listing.out.joined().contains("bad\\u{1B}]0;pwned\\u{7}name"))
        let missing = await runCLI(["runs", "list", "--experiment", "no\u{1B}pe", "--workspace", path])
        #expect(missing.status == 1)
        #expect(missing.err.first?.contains("no\\u{1B}pe") == true)
    }
}
