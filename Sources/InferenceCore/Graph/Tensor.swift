import MLOpsCore

/// A dense, row-major tensor value: a concrete shape and its elements.
///
/// Tensors are the values passed to and returned from ``CompiledModel/predict(_:)`` and the
/// constant tensors (initialisers) of a ``ModelGraph``. The element count always equals the
/// product of the shape (a scalar has shape `[]` and one element); the initialisers check it
/// and throw `MLOpsError` otherwise.
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
    /// The elements of a tensor, by element type.
    public enum Storage: Sendable, Equatable {
        /// `float32` elements.
        case float32([Float])
        /// `float64` elements.
        case float64([Double])
        /// `int64` elements.
        case int64([Int64])
        /// `bool` elements.
        case bool([Bool])
        /// `string` elements (class labels).
        case string([String])

        /// The number of elements held.
        public var count: Int {
            switch self {
            case .float32(let v): v.count
            case .float64(let v): v.count
            case .int64(let v): v.count
            case .bool(let v): v.count
            case .string(let v): v.count
            }
        }

        /// The element type of the storage.
        public var elementType: ElementType {
            switch self {
            case .float32: .float32
            case .float64: .float64
            case .int64: .int64
            case .bool: .bool
            case .string: .string
            }
        }
    }

    /// The dimensions, outermost first.
    public private(set) var shape: [Int]
    /// The elements, row-major.
    public private(set) var storage: Storage

    /// Creates a tensor, checking that the element count matches the shape.
    ///
    /// - Throws: `MLOpsError` (`invalidArgument`) if a dimension is negative or the count differs.
    public init(shape: [Int], storage: Storage) throws {
        guard let count = Tensor.elementCount(of: shape) else {
            throw MLOpsError(
                .invalidArgument, "A tensor shape has a negative or too large dimension.",
                value: "\(shape)")
        }
        guard count == storage.count else {
            throw MLOpsError(
                .invalidArgument,
                "A tensor of shape \(shape) needs \(count) elements but \(storage.count) were given.",
                value: "\(shape)")
        }
        self.shape = shape
        self.storage = storage
    }

    /// Creates a `float32` tensor.
    public init(shape: [Int], float32 values: [Float]) throws {
        try self.init(shape: shape, storage: .float32(values))
    }

    /// Creates a `float64` tensor.
    public init(shape: [Int], float64 values: [Double]) throws {
        try self.init(shape: shape, storage: .float64(values))
    }

    /// Creates an `int64` tensor.
    public init(shape: [Int], int64 values: [Int64]) throws {
        try self.init(shape: shape, storage: .int64(values))
    }

    /// Creates a `bool` tensor.
    public init(shape: [Int], bool values: [Bool]) throws {
        try self.init(shape: shape, storage: .bool(values))
    }

    /// Creates a `string` tensor.
    public init(shape: [Int], strings values: [String]) throws {
        try self.init(shape: shape, storage: .string(values))
    }

    /// Creates a tensor without checking (the caller guarantees count == product of shape).
    init(unchecked shape: [Int], storage: Storage) {
        self.shape = shape
        self.storage = storage
    }

    /// The element type.
    public var elementType: ElementType { storage.elementType }

    /// The number of elements.
    public var count: Int { storage.count }

    /// The elements as `Float` if this is a `float32` tensor, else `nil`.
    public var float32Values: [Float]? {
        if case .float32(let v) = storage { return v }
        return nil
    }

    /// The elements as `Double` if this is a `float64` tensor, else `nil`.
    public var float64Values: [Double]? {
        if case .float64(let v) = storage { return v }
        return nil
    }

    /// The elements as `Int64` if this is an `int64` tensor, else `nil`.
    public var int64Values: [Int64]? {
        if case .int64(let v) = storage { return v }
        return nil
    }

    /// The elements as `Bool` if this is a `bool` tensor, else `nil`.
    public var boolValues: [Bool]? {
        if case .bool(let v) = storage { return v }
        return nil
    }

    /// The elements as `String` if this is a `string` tensor, else `nil`.
    public var stringValues: [String]? {
        if case .string(let v) = storage { return v }
        return nil
    }

    /// Every element converted to `Double` (strings become NaN, booleans 0/1).
    public var doubleValues: [Double] {
        switch storage {
        case .float32(let v): v.map { Double($0) }
        case .float64(let v): v
        case .int64(let v): v.map { Double($0) }
        case .bool(let v): v.map { $0 ? 1 : 0 }
        case .string(let v): v.map { _ in Double.nan }
        }
    }

    /// A short human-readable form, for messages and logs.
    public var description: String {
        "Tensor(\(elementType), shape: \(shape), \(count) elements)"
    }

    /// The product of `shape`, or `nil` if a dimension is negative or the product overflows.
    static func elementCount(of shape: [Int]) -> Int? {
        var total = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, overflow) = total.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            total = p
        }
        return total
    }
}
