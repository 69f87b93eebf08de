import MLOpsCore

/// A change to a run's record, queued behind the metrics logged before it and
/// applied by the background writer.
enum RunMutation: Sendable {
    /// Creates the record (it must not exist yet), storing its environment if new.
    case create(RunRecord, StoredEnvironment?)
    /// Adds params; an existing key with another value is a conflict.
    case params([String: String])
    /// Sets tags (`mlflow.runName` also renames the run).
    case tags([String: String])
    /// Removes a tag.
    case deleteTag(String)
    /// Adds a dataset input (ignored if the same name, digest and context is already there).
    case input(DatasetInput)
    /// Sets the status and, for a terminal status, the end time; `error` is recorded as tags.
    case setStatus(RunStatus, endTime: Int64?, error: String?)
    /// Soft-deletes or restores the run.
    case setLifecycle(LifecycleStage)

    /// The tag that holds the error text of a failed run.
    static let errorTag = TrackingTags.error
    /// MLflow's run description tag; a failed run gets the error here unless it has a note already.
    static let noteTag = TrackingTags.note

    static func paramConflict(
        runID: String, key: String, old: String, new: String, fileID: String = #fileID, line: Int = #line
    ) -> MLOpsError {
        MLOpsError(
            .conflict,
            "param '\(key)' was already logged with value '\(old)' for run \(runID); params are immutable, so it "
                + "cannot change to '\(new)'. Log it in a new (e.g. nested) run instead",
            value: key, fileID: fileID, line: line)
    }

    /// Applies the change to `record`. Throws for a param conflict; the record is then unchanged.
    func apply(to record: inout RunRecord) throws {
        switch self {
        case .create(let new, _):
            record = new
        case .params(let params):
            var changed = record.params
            for (key, value) in params {
                if let old = changed[key] {
                    if old != value {
                        throw Self.paramConflict(runID: record.info.runID, key: key, old: old, new: value)
                    }
                } else {
                    changed[key] = value
                }
            }
            record.params = changed
        case .tags(let tags):
            for (key, value) in tags {
                record.tags[key] = value
                if key == TrackingTags.runName { record.info.runName = value }
            }
        case .deleteTag(let key):
            record.tags[key] = nil
        case .input(let input):
            if !record.inputs.contains(where: {
                $0.name == input.name && $0.digest == input.digest && $0.context == input.context
            }) {
                record.inputs.append(input)
            }
        case .setLifecycle(let stage):
            record.info.lifecycleStage = stage
        case .setStatus(let status, let endTime, let error):
            record.info.status = status
            if status.isTerminal {
                record.info.endTime = endTime
            } else {
                record.info.endTime = nil
            }
            if let error {
                let text = String(error.prefix(TrackingLimits.maxTagValueLength))
                record.tags[Self.errorTag] = text
                if record.tags[Self.noteTag] == nil { record.tags[Self.noteTag] = text }
            }
        }
    }
}
