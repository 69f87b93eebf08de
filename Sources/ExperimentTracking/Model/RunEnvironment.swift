/// Where and how a run ran: source revision, machine, toolchain, command line.
///
/// The tracker captures it once per process (``RunEnvironment/current``) and
/// stores a copy with every run it starts, unless
/// ``ExperimentTracker/Options/captureEnvironment`` is off. The git commit is
/// also written as MLflow's `mlflow.source.git.commit` tag.
public struct RunEnvironment: Sendable, Hashable, Codable {
    /// The `HEAD` commit of the git repository around the working directory,
    /// or `nil` outside a repository (or without `git`).
    public var gitCommit: String?
    /// Whether tracked files had uncommitted changes; `nil` when unknown.
    public var gitDirty: Bool?
    /// The checked-out branch, or `nil` (detached head, no repository).
    public var gitBranch: String?
    /// The host name.
    public var host: String
    /// The operating system, e.g. `Linux 6.8.0 (Ubuntu 24.04.2 LTS)`.
    public var operatingSystem: String
    /// The Swift compiler version the program was built with, e.g. `6.3`.
    public var swiftVersion: String
    /// The CPU model, e.g. from `/proc/cpuinfo`; empty if unknown.
    public var cpuModel: String
    /// The number of logical CPUs.
    public var cpuCount: Int
    /// The process's command line, program first.
    public var commandLine: [String]
    /// The working directory.
    public var workingDirectory: String

    /// Creates an environment value.
    public init(
        gitCommit: String? = nil, gitDirty: Bool? = nil, gitBranch: String? = nil, host: String,
        operatingSystem: String, swiftVersion: String, cpuModel: String, cpuCount: Int, commandLine: [String],
        workingDirectory: String
    ) {
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
        self.gitBranch = gitBranch
        self.host = host
        self.operatingSystem = operatingSystem
        self.swiftVersion = swiftVersion
        self.cpuModel = cpuModel
        self.cpuCount = cpuCount
        self.commandLine = commandLine
        self.workingDirectory = workingDirectory
    }

    /// The Swift compiler version this module was built with.
    public static var compilerVersion: String {
        #if compiler(>=6.4)
            return "6.4 or later"
        #elseif compiler(>=6.3)
            return "6.3"
        #elseif compiler(>=6.2)
            return "6.2"
        #elseif compiler(>=6.1)
            return "6.1"
        #else
            return "6.0"
        #endif
    }
}
