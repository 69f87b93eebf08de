/// A named, typed column of values, any of which may be missing.
///
/// A column is a value type: typed storage (``ColumnData``) plus a
/// ``MissingMask`` of the same length. Missing and NaN are different things:
/// a present `Double` may be NaN, a missing one has no value at all.
///
/// ```swift
/// let age = Column.int("age", [34, nil, 51])
/// let score = Column.double("score", [0.5, .nan, nil])
/// assert(age.isMissing(at: 1))
/// assert(!score.isMissing(at: 1))  // NaN is a value
/// ```
///
/// Two columns are equal when their names, types, masks and present values are
/// identical; floating point values compare by bit pattern, so NaN equals NaN
/// and `0.0` differs from `-0.0`.
public struct Column: Sendable, Equatable {
    /// The column name; unique within a ``Table``.
    public let name: String
    /// The values. Missing slots hold the placeholders described in ``ColumnData``.
    public let storage: ColumnData
    /// Which rows are missing.
    public let missing: MissingMask

    /// A column from typed storage and a missing mask.
    ///
    /// Missing slots of `storage` are overwritten with the placeholders described in ``ColumnData``.
    /// - Throws: `MLOpsError.invalidArgument` when the mask and the storage differ in length.
    public init(name: String, storage: ColumnData, missing: MissingMask) throws {
        guard missing.count == storage.count else {
            throw MLOpsError(
                .invalidArgument,
                "column '\(name)' has \(storage.count) values but a missing mask of \(missing.count) rows; "
                    + "give one mask bit per value",
                value: name
            )
        }
        self.init(unchecked: name, storage: storage, missing: missing)
    }

    /// A column with no missing values.
    public init(name: String, storage: ColumnData) {
        self.name = name
        self.storage = storage
        self.missing = MissingMask(count: storage.count)
    }

    /// A column whose mask length is already known to match; normalises placeholders.
    init(unchecked name: String, storage: ColumnData, missing: MissingMask) {
        self.name = name
        self.missing = missing
        guard missing.hasMissing else {
            self.storage = storage
            return
        }
        let holes = missing.missingIndices
        switch storage {
        case .double(var values):
            for index in holes { values[index] = .nan }
            self.storage = .double(values)
        case .float(var values):
            for index in holes { values[index] = .nan }
            self.storage = .float(values)
        case .int(var values):
            for index in holes { values[index] = 0 }
            self.storage = .int(values)
        case .string(var values):
            for index in holes { values[index] = "" }
            self.storage = .string(values)
        case .bool(var values):
            for index in holes { values[index] = false }
            self.storage = .bool(values)
        }
    }

    /// A `double` column; `nil` entries are missing.
    public static func double(_ name: String, _ values: [Double?]) -> Column {
        let (storage, mask) = split(values, placeholder: Double.nan)
        return Column(unchecked: name, storage: .double(storage), missing: mask)
    }

    /// A `double` column with no missing values.
    public static func double(_ name: String, _ values: [Double]) -> Column {
        Column(name: name, storage: .double(values))
    }

    /// A `float` column; `nil` entries are missing.
    public static func float(_ name: String, _ values: [Float?]) -> Column {
        let (storage, mask) = split(values, placeholder: Float.nan)
        return Column(unchecked: name, storage: .float(storage), missing: mask)
    }

    /// A `float` column with no missing values.
    public static func float(_ name: String, _ values: [Float]) -> Column {
        Column(name: name, storage: .float(values))
    }

    /// An `int` column; `nil` entries are missing.
    public static func int(_ name: String, _ values: [Int64?]) -> Column {
        let (storage, mask) = split(values, placeholder: Int64(0))
        return Column(unchecked: name, storage: .int(storage), missing: mask)
    }

    /// An `int` column with no missing values.
    public static func int(_ name: String, _ values: [Int64]) -> Column {
        Column(name: name, storage: .int(values))
    }

    /// A `string` column; `nil` entries are missing.
    public static func string(_ name: String, _ values: [String?]) -> Column {
        let (storage, mask) = split(values, placeholder: "")
        return Column(unchecked: name, storage: .string(storage), missing: mask)
    }

    /// A `string` column with no missing values.
    public static func string(_ name: String, _ values: [String]) -> Column {
        Column(name: name, storage: .string(values))
    }

    /// A `bool` column; `nil` entries are missing.
    public static func bool(_ name: String, _ values: [Bool?]) -> Column {
        let (storage, mask) = split(values, placeholder: false)
        return Column(unchecked: name, storage: .bool(storage), missing: mask)
    }

    /// A `bool` column with no missing values.
    public static func bool(_ name: String, _ values: [Bool]) -> Column {
        Column(name: name, storage: .bool(values))
    }

    private static func split<T>(_ values: [T?], placeholder: T) -> ([T], MissingMask) {
        var storage: [T] = []
        storage.reserveCapacity(values.count)
        var mask = MissingMask(count: values.count)
        for (index, value) in values.enumerated() {
            if let value {
                storage.append(value)
            } else {
                storage.append(placeholder)
                mask[index] = true
            }
        }
        return (storage, mask)
    }

    /// The element type.
    public var type: ColumnType { storage.type }

    /// The number of rows, present or missing.
    public var count: Int { storage.count }

    /// How many rows are missing.
    public var missingCount: Int { missing.missingCount }

    /// Whether row `index` is missing. `index` must be in `0..<count`.
    public func isMissing(at index: Int) -> Bool { missing[index] }

    /// The value at row `index` (`Float` is widened to `.double`). `index` must be in `0..<count`.
    public func value(at index: Int) -> TableValue {
        if missing[index] { return .missing }
        switch storage {
        case .double(let values): return .double(values[index])
        case .float(let values): return .double(Double(values[index]))
        case .int(let values): return .int(values[index])
        case .string(let values): return .string(values[index])
        case .bool(let values): return .bool(values[index])
        }
    }

    /// The column under another name.
    public func renamed(to newName: String) -> Column {
        Column(unchecked: newName, storage: storage, missing: missing)
    }

    /// The values as `Double`, missing as NaN.
    ///
    /// Integers convert with rounding to nearest (exact up to 2^53); booleans become 0 or 1.
    /// - Throws: `MLOpsError.invalidArgument` for a `string` column.
    public func doubles() throws -> [Double] {
        switch storage {
        case .double(let values):
            return values
        case .float(let values):
            return values.map { Double($0) }
        case .int(let values):
            return withMissingAsNaN(values.map { Double($0) })
        case .bool(let values):
            return withMissingAsNaN(values.map { $0 ? 1 : 0 })
        case .string:
            throw notNumeric()
        }
    }

    /// The values as `Float`, missing as NaN.
    ///
    /// Doubles and integers round to the nearest `Float`; booleans become 0 or 1.
    /// - Throws: `MLOpsError.invalidArgument` for a `string` column.
    public func floats() throws -> [Float] {
        switch storage {
        case .double(let values):
            return values.map { Float($0) }
        case .float(let values):
            return values
        case .int(let values):
            return withMissingAsNaN(values.map { Float($0) })
        case .bool(let values):
            return withMissingAsNaN(values.map { $0 ? 1 : 0 })
        case .string:
            throw notNumeric()
        }
    }

    private func withMissingAsNaN<T: FloatingPoint>(_ values: [T]) -> [T] {
        guard missing.hasMissing else { return values }
        var values = values
        for index in missing.missingIndices { values[index] = .nan }
        return values
    }

    private func notNumeric(fileID: String = #fileID, line: Int = #line) -> MLOpsError {
        MLOpsError(
            .invalidArgument,
            "column '\(name)' holds text and cannot be converted to numbers; encode it first or leave it out",
            value: name, fileID: fileID, line: line
        )
    }

    /// The rows at `indices`, in that order. Every index must be in `0..<count` (``Table`` checks).
    func gathering(_ indices: [Int]) -> Column {
        let gathered: ColumnData
        switch storage {
        case .double(let values): gathered = .double(indices.map { values[$0] })
        case .float(let values): gathered = .float(indices.map { values[$0] })
        case .int(let values): gathered = .int(indices.map { values[$0] })
        case .string(let values): gathered = .string(indices.map { values[$0] })
        case .bool(let values): gathered = .bool(indices.map { values[$0] })
        }
        return Column(unchecked: name, storage: gathered, missing: missing.gathering(indices))
    }

    /// This column followed by the rows of `other`.
    /// - Throws: `MLOpsError.invalidArgument` when the element types differ.
    public func appending(_ other: Column) throws -> Column {
        let joined: ColumnData
        switch (storage, other.storage) {
        case (.double(let a), .double(let b)): joined = .double(a + b)
        case (.float(let a), .float(let b)): joined = .float(a + b)
        case (.int(let a), .int(let b)): joined = .int(a + b)
        case (.string(let a), .string(let b)): joined = .string(a + b)
        case (.bool(let a), .bool(let b)): joined = .bool(a + b)
        default:
            throw MLOpsError(
                .invalidArgument,
                "cannot append a \(other.type) column to the \(type) column '\(name)'; convert one of them first",
                value: other.name
            )
        }
        var mask = missing
        mask.append(contentsOf: other.missing)
        return Column(unchecked: name, storage: joined, missing: mask)
    }
}
