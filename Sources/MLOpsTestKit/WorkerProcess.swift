public import Foundation
import MLOpsCore
import Synchronization

/// A child process running a storage worker (see ``StorageWorker``), with its
/// standard output and error captured to files so that every line it wrote
/// survives even a `SIGKILL`.
///
/// ```swift
/// let exe = try WorkerProcess.locateExecutable(named: "MLOpsStorageWorker")
/// let worker = try WorkerProcess.start(
///     executable: exe, arguments: ["kv-append", dbPath, "0"], outputFile: dir + "/w0.out")
/// try await Task.sleep(for: .milliseconds(50))
/// worker.kill()
/// let termination = await worker.waitForExit()     // .signalled(SIGKILL)
/// let acknowledged = worker.outputLines()           // ["1", "2", …]
/// ```
public final class WorkerProcess: Sendable {
    /// How a worker ended.
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        /// It exited with this status.
        case exited(Int32)
        /// It was ended by this signal.
        case signalled(Int32)

        /// E.g. `exited with status 1`, `ended by signal 9`.
        public var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .signalled(let signal): "ended by signal \(signal)"
            }
        }
    }

    private final class ExitState: Sendable {
        let state = Mutex<(termination: Termination?, waiters: [CheckedContinuation<Termination, Never>])>((nil, []))

        func finish(_ termination: Termination) {
            let waiters = state.withLock { state in
                state.termination = termination
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: termination) }
        }
    }

    /// The executable's path.
    public let executable: String
    /// The arguments it was started with.
    public let arguments: [String]
    /// The file receiving its standard output.
    public let outputFile: String
    /// The file receiving its standard error.
    public let errorFile: String
    /// The process id.
    public let processIdentifier: Int32
    private let exitState: ExitState

    private init(
        executable: String, arguments: [String], outputFile: String, errorFile: String, pid: Int32, exitState: ExitState
    ) {
        self.executable = executable
        self.arguments = arguments
        self.outputFile = outputFile
        self.errorFile = errorFile
        self.processIdentifier = pid
        self.exitState = exitState
    }

    /// Starts `executable` with `arguments`, its standard output going to
    /// `outputFile` and its standard error to `errorFile` (default: `outputFile` + `.err`),
    /// both created or truncated.
    ///
    /// - Throws: `MLOpsError` `ioError` if the files cannot be created or the process cannot start.
    public static func start(
        executable: String,
        arguments: [String],
        outputFile: String,
        errorFile: String? = nil
    ) throws -> WorkerProcess {
        let errorFile = errorFile ?? outputFile + ".err"
        let output = try openTruncated(outputFile)
        let error = try openTruncated(errorFile)
        defer {
            try? output.close()
            try? error.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        let exitState = ExitState()
        process.terminationHandler = { process in
            let status = process.terminationStatus
            exitState.finish(process.terminationReason == .uncaughtSignal ? .signalled(status) : .exited(status))
        }
        do {
            try process.run()
        } catch {
            throw MLOpsError(.ioError, "cannot start the worker process: \(error)", value: executable)
        }
        return WorkerProcess(
            executable: executable, arguments: arguments, outputFile: outputFile, errorFile: errorFile,
            pid: process.processIdentifier, exitState: exitState)
    }

    private static func openTruncated(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw MLOpsError(.ioError, "cannot create the worker's output file", value: path)
        }
        return handle
    }

    /// Sends `SIGKILL` (or `signal`); does nothing if the process has already ended.
    public func kill(signal: Int32 = SIGKILL) {
        if exitState.state.withLock({ $0.termination }) != nil { return }
        Platform.send(signal: signal, to: processIdentifier)
    }

    /// How the process ended, or `nil` while it runs.
    public var termination: Termination? { exitState.state.withLock { $0.termination } }

    /// Waits until the process has ended and returns how.
    public func waitForExit() async -> Termination {
        await withCheckedContinuation { continuation in
            let done = exitState.state.withLock { state -> Termination? in
                if let termination = state.termination { return termination }
                state.waiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// The complete lines the process has written to standard output so far
    /// (a trailing line without its newline is left out).
    public func outputLines() -> [String] {
        guard let data = FileManager.default.contents(atPath: outputFile) else { return [] }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()  // the text after the last newline: empty or incomplete
        return lines.map(String.init)
    }

    /// What the process has written to standard error so far.
    public func errorOutput() -> String {
        FileManager.default.contents(atPath: errorFile).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Finds a worker executable built beside the running test binary.
    ///
    /// Looks at the path in the environment variable `environmentVariable` first,
    /// then in the directory of the running executable (`/proc/self/exe`, else
    /// `CommandLine.arguments[0]`) and up to four directories above it (a test
    /// bundle on macOS nests its binary three levels down).
    ///
    /// - Throws: `MLOpsError` `notFound` listing the directories searched.
    public static func locateExecutable(
        named name: String,
        environmentVariable: String = "MLOPS_STORAGE_WORKER"
    ) throws -> String {
        let files = FileManager.default
        if let path = ProcessInfo.processInfo.environment[environmentVariable], files.isExecutableFile(atPath: path) {
            return path
        }
        var starts: [String] = []
        if let exe = try? files.destinationOfSymbolicLink(atPath: "/proc/self/exe") { starts.append(exe) }
        if let first = CommandLine.arguments.first {
            starts.append(URL(fileURLWithPath: first).standardizedFileURL.resolvingSymlinksInPath().path)
        }
        var searched: [String] = []
        for start in starts {
            var directory = URL(fileURLWithPath: start).deletingLastPathComponent()
            for _ in 0..<5 {
                let candidate = directory.appendingPathComponent(name).path
                searched.append(directory.path)
                if files.isExecutableFile(atPath: candidate) { return candidate }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw MLOpsError(
            .notFound,
            "the worker executable was not found beside the test binary; build it (swift build) or set "
                + "\(environmentVariable); searched \(searched.joined(separator: ", "))",
            value: name)
    }
}
