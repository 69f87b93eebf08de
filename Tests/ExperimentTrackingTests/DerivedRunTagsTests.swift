import MLOpsCore
import Testing

@testable import ExperimentTracking

/// `DerivedRunTags.mayDerive` must cover every key the derivation writes and
/// every key it reads: search derives tags only for such keys, and from the
/// stored tags under such keys only.
@Suite struct DerivedRunTagsTests {
    static let environments: [RunEnvironment?] = [
        nil,
        RunEnvironment(
            gitCommit: "abc123", gitDirty: true, gitBranch: "main", host: "h", operatingSystem: "Linux",
            swiftVersion: "6.3", cpuModel: "cpu", cpuCount: 4, commandLine: ["/bin/train", "--lr", "it's"],
            workingDirectory: "/w"),
        RunEnvironment(
            gitCommit: nil, gitDirty: false, gitBranch: nil, host: "", operatingSystem: "", swiftVersion: "",
            cpuModel: "", cpuCount: 0, commandLine: [], workingDirectory: ""),
    ]

    /// Keys the derivation knows, others that look like them, and ordinary ones.
    static let keys = [
        "mlops.run_id", "mlflow.source.git.commit", "mlflow.source.git.branch", "mlflow.source.git.dirty",
        "mlflow.source.name", "mlops.env.host", "mlops.env.git_commit", "mlops.env.program", "mlops.env.os",
        "mlflow.runName", "mlflow.source.type", "mlflow.parentRunId", "team", "mlops.error", "mlops.envhost",
    ]

    @Test func derivationReadsAndWritesOnlyDerivableKeys() {
        var random = SeededRandom(seed: 23)
        for round in 0..<500 {
            var stored: [String: String] = [:]
            for key in Self.keys where random.int(in: 0..<3) == 0 {
                stored[key] = ["abc123", "main", "true", "/bin/train", "x", ""][random.int(in: 0..<6)]
            }
            let environment = Self.environments[round % Self.environments.count]
            let derived = DerivedRunTags.tags(stored: stored, runID: "r\(round)", environment: environment)
            for (key, value) in derived where stored[key] != value {
                #expect(DerivedRunTags.mayDerive(key), "round \(round): \(key) is derived but not covered")
            }
            let derivable = stored.filter { DerivedRunTags.mayDerive($0.key) }
            let fromDerivable = DerivedRunTags.tags(stored: derivable, runID: "r\(round)", environment: environment)
            #expect(
                fromDerivable.filter { DerivedRunTags.mayDerive($0.key) }
                    == derived.filter { DerivedRunTags.mayDerive($0.key) }, "round \(round): reads \(stored)")
            #expect(derived[MLflowExporter.runIDTag] == "r\(round)")
        }
        #expect(!DerivedRunTags.mayDerive("mlops.envhost"))
        #expect(!DerivedRunTags.mayDerive(TrackingTags.parentRunID))
    }
}
