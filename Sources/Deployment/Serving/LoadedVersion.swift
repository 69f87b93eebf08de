import InferenceCore
import MLOpsCore

/// One model version loaded into a ``ModelServer``: validated, compiled, warmed up, with its
/// batching queue (if any) and metrics.
///
/// Requests hold a reference while they run, so a version removed from its route keeps serving
/// the requests already on it and is freed — its batching thread stopped — when the last one
/// finishes (draining).
final class LoadedVersion: Sendable {
    let name: String
    let version: Int
    let model: Model
    let validator: RequestValidator
    let runner: VersionRunner
    let batcher: Batcher?
    let metrics: MetricsRecorder
    /// Called once the version has been removed and every request on it has finished.
    private let onDrained: @Sendable () -> Void

    /// Loads `model` as `name` version `version` and warms it up at the batch sizes it will see.
    ///
    /// - Throws: `MLOpsError` from compiling or warming up the model, or starting its batching
    ///   thread.
    init(
        model: Model, name: String, version: Int, batching: BatchingPolicy?, validation: InputValidation,
        metrics: MetricsRecorder, warmUp: Bool, recompile: CompileOptions?,
        onDrained: @escaping @Sendable () -> Void
    ) throws {
        self.name = name
        self.version = version
        self.model = model
        self.metrics = metrics
        self.onDrained = onDrained
        validator = RequestValidator(signature: model.signature, validation: validation)
        var running = model
        if let recompile, model.treeEnsemble == nil, validator.isRowWise {
            running = try Model(
                graph: model.graph, featureNames: model.signature.featureNames, format: model.format,
                metadata: model.metadata, lineage: model.lineage, options: recompile)
        }
        runner = try VersionRunner(model: running, isRowWise: validator.isRowWise)
        let label = "\(name) v\(version)"
        if let batching, runner.canBatch {
            try batching.validate()
            batcher = try Batcher(policy: batching, runner: runner, metrics: metrics, label: label)
        } else {
            batcher = nil
        }
        if warmUp {
            do {
                if let batcher {
                    for rows in batcher.policy.warmUpSizes { try batcher.warmUp(rows: rows) }
                } else {
                    try runner.warmUp(rows: 1, scratch: nil)
                }
            } catch {
                batcher?.close()
                throw MLOpsError(
                    .invalidArgument, "\(label) failed its warm-up batch: \(VersionRunner.wrap(error).message)",
                    value: label)
            }
        }
    }

    deinit {
        batcher?.close()
        onDrained()
    }

    /// Validates `request`, runs it (through the batching queue, or on the calling task) and
    /// builds the response.
    func respond(_ request: InferenceRequest) async throws -> InferenceResponse {
        let selection = try validator.outputSelection(request.outputs)
        let prepared = try validator.prepare(request)
        let tensors: [Tensor]
        if let batcher {
            tensors = try await batcher.submit(prepared, deadline: request.deadline)
        } else {
            if let deadline = request.deadline, deadline <= .now {
                throw MLOpsError(
                    .deadlineExceeded, "the request's deadline had passed before it ran on \(name) v\(version)",
                    value: name)
            }
            do {
                tensors = try runner.run(prepared)
            } catch {
                throw VersionRunner.wrap(error)
            }
            metrics.recordBatch(rows: prepared.rowCount)
        }
        var outputs: [NamedTensor] = []
        outputs.reserveCapacity(selection.count)
        for index in selection {
            outputs.append(NamedTensor(name: validator.outputs[index].name, tensor: tensors[index]))
        }
        return InferenceResponse(
            model: name, version: version, id: request.id, outputs: outputs, rowErrors: prepared.rowErrors)
    }
}
