public import InferenceCore

/// One inference call to a served model: named input tensors, and how to route them.
///
/// The first dimension of every input is the row (batch) dimension; a request may carry many
/// rows, and the engine may batch the rows of many requests into one model call. The response
/// keeps the request's rows in order.
public struct InferenceRequest: Sendable {
    /// The served model's name (a registered model's name).
    public var model: String
    /// A version to pin, or `nil` to let the model's traffic policy pick one (the alias it
    /// follows, a canary or an A/B split).
    public var version: Int?
    /// The input tensors by name; a model with one input also accepts a single tensor under
    /// any name.
    public var inputs: [NamedTensor]
    /// The outputs to return, by name; `nil` returns every output of the model.
    public var outputs: [String]?
    /// The caller's request id, echoed in the response.
    public var id: String?
    /// The key that keeps a caller on one variant of an A/B split (a user or session id);
    /// `nil` routes by ``id`` or, without one, at random.
    public var routingKey: String?
    /// When the caller stops waiting: a request still queued at this instant fails with
    /// `MLOpsError.Code.deadlineExceeded` instead of running.
    public var deadline: ContinuousClock.Instant?

    /// Creates a request.
    public init(
        model: String, version: Int? = nil, inputs: [NamedTensor], outputs: [String]? = nil, id: String? = nil,
        routingKey: String? = nil, deadline: ContinuousClock.Instant? = nil
    ) {
        self.model = model
        self.version = version
        self.inputs = inputs
        self.outputs = outputs
        self.id = id
        self.routingKey = routingKey
        self.deadline = deadline
    }
}

/// A tensor with its name, as a request or response carries it.
public struct NamedTensor: Sendable, Equatable {
    /// The input or output name.
    public var name: String
    /// The value.
    public var tensor: Tensor

    /// Creates a named tensor.
    public init(name: String, tensor: Tensor) {
        self.name = name
        self.tensor = tensor
    }
}
