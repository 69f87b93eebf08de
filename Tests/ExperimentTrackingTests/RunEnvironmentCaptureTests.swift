import MLOpsCore
import Testing

@testable import ExperimentTracking

@Suite struct RunEnvironmentCaptureTests {
    static let redacted = RunEnvironment.redactedPlaceholder

    @Test(arguments: [
        (["train", "--password", "hunter2", "--lr", "0.1"], ["train", "--password", redacted, "--lr", "0.1"]),
        (
            ["train", "--token", "abc", "--secret", "s", "--key", "k"],
            ["train", "--token", redacted, "--secret", redacted, "--key", redacted]
        ),
        (["train", "--API-Key", "abc", "data.csv"], ["train", "--API-Key", redacted, "data.csv"]),
        (["train", "--password=hunter2", "--depth=6"], ["train", "--password=\(redacted)", "--depth=6"]),
        (["train", "-access_token", "abc"], ["train", "-access_token", redacted]),
        (
            ["env", "AWS_SECRET_ACCESS_KEY=abc", "db_password=x", "MODE=fast"],
            ["env", "AWS_SECRET_ACCESS_KEY=\(redacted)", "db_password=\(redacted)", "MODE=fast"]
        ),
        (
            ["sync", "https://alice:pa55@example.com/repo?x=1"],
            ["sync", "https://alice:\(redacted)@example.com/repo?x=1"]
        ),
        (["sync", "https://example.com/a@b", "user@host"], ["sync", "https://example.com/a@b", "user@host"]),
        (["train", "--", "--token", "abc"], ["train", "--", "--token", redacted]),
        (["train", "--token"], ["train", "--token"]),
    ])
    func redactsSecrets(_ arguments: [String], _ expected: [String]) {
        #expect(RunEnvironment.redactingSecrets(arguments) == expected)
    }

    @Test func leavesOrdinaryCommandLinesAlone() {
        let arguments = ["/usr/bin/train", "--lr", "0.1", "--epochs=20", "data.csv", "a b", "-v", "-", "x=1"]
        #expect(RunEnvironment.redactingSecrets(arguments) == arguments)
    }

    @Test func captureCanLeaveTheCommandLineOut() {
        #expect(RunEnvironment.capture(commandLine: false).commandLine.isEmpty)
        #expect(RunEnvironment.currentStored(commandLine: false) != RunEnvironment.currentStored(commandLine: true))
        #expect(
            RunEnvironment.capture().commandLine == RunEnvironment.redactingSecrets(CommandLine.arguments))
    }

    @Test func aTrackerCanLeaveTheCommandLineOutOfItsRuns() async throws {
        for captureCommandLine in [false, true] {
            let tracker = ExperimentTracker(
                metadata: InMemoryKeyValueStore(), artifacts: InMemoryBlobStore(),
                options: .init(captureCommandLine: captureCommandLine))
            let run = try await tracker.startRun(experiment: "argv")
            try await run.finish()
            let stored = try await tracker.run(id: run.runID)
            #expect(stored.environment?.commandLine.isEmpty == !captureCommandLine)
        }
    }
}
