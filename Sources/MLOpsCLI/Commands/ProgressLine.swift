import MLOps
import Synchronization

/// The one-line progress display of a long data operation (`mlops data add`, `checkout`): files
/// and bytes done of the total and the rate, rewritten in place on a terminal's standard error.
///
/// There is none (``init(_:context:json:)`` returns `nil`) when the context has no progress
/// writer — standard error is not a terminal — or the command prints JSON. Updates may come from
/// several threads at once; the line is redrawn at most every ``interval`` nanoseconds and once
/// more when everything is done. Call ``finish()`` before printing anything else.
final class ProgressLine: Sendable {
    /// The least time between two redraws, in nanoseconds.
    static let interval = 100_000_000

    private struct State {
        var lastDrawn: Int?
        var isShown = false
    }

    private let verb: String
    private let write: @Sendable (String) -> Void
    private let started: Int
    private let state = Mutex(State())

    /// A progress line labelled `verb` (`adding`), or `nil` when none should be shown.
    init?(_ verb: String, context: CommandContext, json: Bool) {
        guard !json, let write = context.progress else { return nil }
        self.verb = verb
        self.write = write
        started = Platform.monotonicNanoseconds()
    }

    /// Redraws the line for `progress` unless it was drawn less than ``interval`` ago (the last
    /// update, with every file done, is always drawn).
    func update(_ progress: DataProgress) {
        let now = Platform.monotonicNanoseconds()
        state.withLock { state in
            let done = progress.files >= progress.totalFiles
            if let last = state.lastDrawn, now &- last < Self.interval, !done { return }
            state.lastDrawn = now
            state.isShown = true
            write(Self.text(verb, progress, elapsedNanoseconds: now &- started))
        }
    }

    /// ``update(_:)`` as a progress callback for `DataRepository`.
    var reporter: @Sendable (DataProgress) -> Void { { [self] progress in update(progress) } }

    /// Clears the line if it was drawn.
    func finish() {
        state.withLock { state in
            if state.isShown { write("") }
            state.isShown = false
        }
    }

    /// `adding  3/10 files  12.0 MiB / 40.0 MiB  85.2 MiB/s` (the rate once time has passed).
    static func text(_ verb: String, _ progress: DataProgress, elapsedNanoseconds: Int) -> String {
        var text =
            "\(verb)  \(progress.files)/\(progress.totalFiles) files  \(TextTable.bytes(progress.bytes)) / "
            + TextTable.bytes(progress.totalBytes)
        if elapsedNanoseconds > 0 {
            let perSecond = Double(progress.bytes) / (Double(elapsedNanoseconds) / 1e9)
            text += "  \(TextTable.bytes(UInt64(min(perSecond, 1e18))))/s"
        }
        return text
    }
}
