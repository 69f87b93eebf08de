public import ExperimentTracking
import MLOpsCore

/// What a ``Trainer`` runs: the estimator's name and hyperparameters, a fingerprint of the training
/// data, and what to record about it in the run.
public struct TrainingJob: Sendable, Hashable {
    /// The estimator's short name (logged as the param `estimator`).
    public var estimator: String
    /// The hyperparameters as text (logged as params).
    public var parameters: [String: String]
    /// Identifies the training data (``TrainingData/fingerprint``); part of the job's identity.
    public var dataFingerprint: String
    /// The datasets the run used (logged as inputs; give the data-version commit id when known).
    public var inputs: [DatasetInput]
    /// The run's name; generated when `nil`.
    public var runName: String?
    /// Tags set on the run at start.
    public var tags: [String: String]

    /// A job.
    public init(
        estimator: String, parameters: [String: String], dataFingerprint: String, inputs: [DatasetInput] = [],
        runName: String? = nil, tags: [String: String] = [:]
    ) {
        self.estimator = estimator
        self.parameters = parameters
        self.dataFingerprint = dataFingerprint
        self.inputs = inputs
        self.runName = runName
        self.tags = tags
    }

    /// The job's identity for checkpoints: a SHA-256 (hex) of the estimator, the sorted
    /// hyperparameters, the data fingerprint and `seed`. Equal identities resume each other's
    /// checkpoints.
    public func identity(seed: UInt64) -> String {
        var text = "estimator=\(estimator)\nseed=\(seed)\ndata=\(dataFingerprint)\n"
        for key in parameters.keys.sorted() { text += "param \(key)=\(parameters[key]!)\n" }
        return SHA256.hash(Array(text.utf8)).hexString
    }
}
