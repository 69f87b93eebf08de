import MLOpsCore

/// A dense, row-major matrix of `Float`, stored contiguously.
///
/// Element `(row, column)` lives at `row * columns + column`. `Matrix` is a value type with copy-on-write
/// storage; hot loops should use ``withUnsafeBufferPointer(_:)`` / ``withUnsafeMutableBufferPointer(_:)`` and
/// the ``Kernels`` functions rather than the per-element subscript.
///
/// ```swift
/// let a = try Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
/// let b = a.transposed()                 // 3 × 2
/// let c = try a.multiplied(by: b)        // 2 × 2, via SGEMM
/// print(c[1, 1])                         // 77.0
/// ```
public struct Matrix: Sendable, Hashable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The elements, row-major; `count == rows * columns`.
    @usableFromInline var storage: [Float]

    /// Creates a matrix with every element set to `value`.
    ///
    /// - Precondition: `rows` and `columns` are non-negative (a programming error, not input data; use
    ///   ``init(rows:columns:values:)`` to validate untrusted sizes).
    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix sizes must be non-negative")
        self.rows = rows
        self.columns = columns
        storage = [Float](repeating: value, count: rows * columns)
    }

    /// Creates a matrix from row-major values.
    ///
    /// - Throws: `MLOpsError(.invalidArgument)` when a size is negative, their product overflows, or
    ///   `values.count` is not `rows * columns`.
    public init(rows: Int, columns: Int, values: [Float]) throws {
        guard rows >= 0, columns >= 0 else {
            throw MLOpsError(.invalidArgument, "Matrix sizes must be non-negative", value: "\(rows)×\(columns)")
        }
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow else {
            throw MLOpsError(.invalidArgument, "Matrix size overflows", value: "\(rows)×\(columns)")
        }
        guard values.count == count else {
            throw MLOpsError(
                .invalidArgument,
                "A \(rows)×\(columns) matrix needs \(count) values; pass exactly that many, row-major",
                value: "\(values.count)")
        }
        self.rows = rows
        self.columns = columns
        storage = values
    }

    /// Creates a matrix from an array of equally long rows.
    ///
    /// - Throws: `MLOpsError(.invalidArgument)` when the rows differ in length.
    public init(_ rowValues: [[Float]]) throws {
        let width = rowValues.first?.count ?? 0
        var values: [Float] = []
        values.reserveCapacity(rowValues.count * width)
        for (index, row) in rowValues.enumerated() {
            guard row.count == width else {
                throw MLOpsError(
                    .invalidArgument, "Row \(index) has \(row.count) values but row 0 has \(width)",
                    value: "\(row.count)")
            }
            values.append(contentsOf: row)
        }
        try self.init(rows: rowValues.count, columns: width, values: values)
    }

    /// The row-major elements (`rows * columns` of them).
    public var values: [Float] { storage }

    /// The element at `(row, column)`.
    ///
    /// - Precondition: `0 <= row < rows` and `0 <= column < columns`.
    @inlinable
    public subscript(row: Int, column: Int) -> Float {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range")
            return storage[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range")
            storage[row * columns + column] = newValue
        }
    }

    /// Calls `body` with the contiguous row-major elements.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the contiguous row-major elements, for writing.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }

    /// The transpose, a `columns × rows` matrix (blocked copy, cache friendly).
    public func transposed() -> Matrix {
        var result = Matrix(rows: columns, columns: rows)
        let rows = self.rows
        let columns = self.columns
        let block = 32
        storage.withUnsafeBufferPointer { src in
            result.storage.withUnsafeMutableBufferPointer { dst in
                var r0 = 0
                while r0 < rows {
                    let r1 = min(r0 + block, rows)
                    var c0 = 0
                    while c0 < columns {
                        let c1 = min(c0 + block, columns)
                        for r in r0..<r1 {
                            for c in c0..<c1 {
                                dst[c * rows + r] = src[r * columns + c]
                            }
                        }
                        c0 = c1
                    }
                    r0 = r1
                }
            }
        }
        return result
    }

    /// The product `op(self) · op(other)`, computed with ``Kernels`` SGEMM.
    ///
    /// - Parameters:
    ///   - other: The right operand.
    ///   - transposeSelf: Use the transpose of `self`.
    ///   - transposeOther: Use the transpose of `other`.
    ///   - pool: Threads for large products; `nil` runs on the calling thread.
    /// - Throws: `MLOpsError(.invalidArgument)` when the inner dimensions differ.
    public func multiplied(
        by other: Matrix, transposeSelf: Bool = false, transposeOther: Bool = false, pool: WorkerPool? = nil
    ) throws -> Matrix {
        let m = transposeSelf ? columns : rows
        let k = transposeSelf ? rows : columns
        let otherK = transposeOther ? other.columns : other.rows
        let n = transposeOther ? other.rows : other.columns
        guard k == otherK else {
            throw MLOpsError(
                .invalidArgument, "Inner dimensions differ: left is \(m)×\(k), right is \(otherK)×\(n)",
                value: "\(k) vs \(otherK)")
        }
        var result = Matrix(rows: m, columns: n)
        guard m > 0, n > 0 else { return result }
        let zero: [Float] = [0]
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                zero.withUnsafeBufferPointer { fallback in
                    result.storage.withUnsafeMutableBufferPointer { c in
                        let dummy = fallback.baseAddress.unsafelyUnwrapped
                        Kernels.sgemm(
                            transposeA: transposeSelf, transposeB: transposeOther, m: m, n: n, k: k,
                            a: a.baseAddress ?? dummy, lda: max(columns, 1),
                            b: b.baseAddress ?? dummy, ldb: max(other.columns, 1),
                            c: c.baseAddress.unsafelyUnwrapped, ldc: n, pool: pool)
                    }
                }
            }
        }
        return result
    }
}
