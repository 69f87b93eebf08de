// Foundation (not FoundationEssentials): `Process` runs git, `ProcessInfo`
// knows the host and the processor count.
import Foundation
import Synchronization
import MLOpsCore

extension RunEnvironment {
    private static let cache = Mutex<RunEnvironment?>(nil)
    private static let storedCache = Mutex<[Bool: StoredEnvironment]>([:])
    private static let commandLineCapture = Mutex(true)

    /// Whether ``current`` (and so every run a tracker starts from now on) records the
    /// process's command line. Default `true`; the recorded command line always has its
    /// secrets redacted (``redactingSecrets(_:)``).
    ///
    /// Turn it off, before starting runs, in programs that take secrets in ways redaction
    /// cannot recognise (a bare positional, a short option such as `-p`). The setting is
    /// process-wide; runs already started keep what they recorded.
    public static var capturesCommandLine: Bool {
        get { commandLineCapture.withLock { $0 } }
        set { commandLineCapture.withLock { $0 = newValue } }
    }

    /// ``current`` with its stored form, computed once per process (for each setting of
    /// ``capturesCommandLine``).
    static var currentStored: StoredEnvironment { currentStored(commandLine: capturesCommandLine) }

    /// ``current``'s stored form, with or without the command line, computed once per process.
    static func currentStored(commandLine: Bool) -> StoredEnvironment {
        if let cached = storedCache.withLock({ $0[commandLine] }) { return cached }
        var environment = current(commandLine: true)
        if !commandLine { environment.commandLine = [] }
        let stored = StoredEnvironment(environment)
        return storedCache.withLock { cache in
            if let cached = cache[commandLine] { return cached }
            cache[commandLine] = stored
            return stored
        }
    }

    /// This process's environment, captured on first use and then reused.
    ///
    /// Capturing runs `git` twice (about 5–20 ms); later calls cost a lock.
    /// Every probe tolerates failure: no git, no repository or no
    /// `/proc/cpuinfo` leave the fields `nil` or empty. The command line is
    /// recorded with its secrets redacted, or left empty when
    /// ``capturesCommandLine`` is off. No environment variable is recorded.
    public static var current: RunEnvironment { current(commandLine: capturesCommandLine) }

    private static func current(commandLine: Bool) -> RunEnvironment {
        var environment: RunEnvironment
        if let cached = cache.withLock({ $0 }) {
            environment = cached
        } else {
            let captured = capture()
            environment = cache.withLock { cache in
                if let cached = cache { return cached }
                cache = captured
                return captured
            }
        }
        if !commandLine { environment.commandLine = [] }
        return environment
    }

    /// Captures the environment now (not cached).
    ///
    /// - Parameter commandLine: Whether to record the process's arguments (with secrets
    ///   redacted by ``redactingSecrets(_:)``); `false` leaves ``commandLine`` empty.
    public static func capture(commandLine: Bool = true) -> RunEnvironment {
        let directory = FileManager.default.currentDirectoryPath
        let commit = git(["rev-parse", "HEAD"], in: directory)
        var dirty: Bool?
        var branch: String?
        if commit != nil {
            dirty = git(["status", "--porcelain", "--untracked-files=no"], in: directory).map { !$0.isEmpty }
            branch = git(["symbolic-ref", "--short", "-q", "HEAD"], in: directory)
        }
        let info = ProcessInfo.processInfo
        return RunEnvironment(
            gitCommit: commit, gitDirty: dirty, gitBranch: branch, host: hostName(),
            operatingSystem: operatingSystemName(), swiftVersion: compilerVersion, cpuModel: cpuModelName(),
            cpuCount: info.activeProcessorCount,
            commandLine: commandLine ? redactingSecrets(CommandLine.arguments) : [], workingDirectory: directory)
    }

    /// Runs `git` with `arguments` and returns its trimmed output, or `nil` if it fails.
    static func git(_ arguments: [String], in directory: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func hostName() -> String {
        Platform.hostName ?? ProcessInfo.processInfo.hostName
    }

    static func operatingSystemName() -> String {
        var kernel = ProcessInfo.processInfo.operatingSystemVersionString
        if let running = Platform.kernel { kernel = "\(running.name) \(running.release)" }
        if let release = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) {
            for line in release.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
                let pretty = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(
                    in: CharacterSet(charactersIn: "\""))
                return "\(kernel) (\(pretty))"
            }
        }
        return kernel
    }

    static func cpuModelName() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
            return Platform.processorBrand ?? ""
        }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") || line.hasPrefix("Model") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return ""
    }
}
