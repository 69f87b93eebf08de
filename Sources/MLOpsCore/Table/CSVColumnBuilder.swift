/// Accumulates one column's values during a CSV read.
///
/// Only the array for ``type`` is used. Missing rows are remembered as a list and turned into a
/// ``MissingMask`` once, in ``build()``, which keeps the per-value cost of the common case to one append.
///
/// A builder either has a fixed type (given, or inferred earlier), or *infers while reading*: it starts untyped
/// and widens along bool → text and int → double → text as values arrive, which gives the same type as
/// ``CSVTypeGuess`` over the same rows without a separate pass. Widening int → double converts the values
/// (exactly as parsing their text would); widening to text cannot be done from parsed values, so the rows before
/// that point are left for the reader to fill in from the text (``pendingPrefix``).
///
/// A number that ``CSVNumberParsing/Policy`` rejects (`inf`, `1e999`) in an inferring column is still a number
/// for inference: the builder keeps a missing placeholder and reports `.rejected`, and the
/// reader fails if the column ends up numeric (if it becomes text, the row is re-read as text like the others).
struct CSVColumnBuilder {
    /// What ``appendInferring(_:column:scratch:)`` did with a value.
    enum CSVInferringAppend {
        case appended
        /// The value had to be kept as text but is not valid UTF-8; nothing was appended.
        case invalidUTF8
        /// A number the policy rejects; a missing placeholder was appended.
        case rejected
    }

    let name: String
    /// Which out-of-range numbers convert.
    let policy: CSVNumberParsing.Policy
    private(set) var type: ColumnType
    /// Whether the type is still being inferred.
    let inferring: Bool
    private var doubles: [Double] = []
    private var floats: [Float] = []
    private var ints: [Int64] = []
    private var strings: [String] = []
    private var bools: [Bool] = []
    private var missingRows: [Int] = []
    private(set) var count = 0
    /// Inference: whether any present value has been seen (before that the type is a placeholder).
    private var sawValue = false
    /// Whether the type is final for now: fixed, or inferring with at least one value seen (it may still widen).
    var settled: Bool { !inferring || sawValue }
    /// Inference: rows holding `""` while no value has been seen; they become `""` if the column ends up text.
    private var quotedEmptyRows: [Int] = []
    /// Inference: int rows whose text was a negative zero, which becomes `-0.0` if the column widens to double.
    private var negativeZeroRows: [Int] = []
    /// Inference: rows `0..<pendingPrefix` of a column that became text; the reader re-reads their text.
    private(set) var pendingPrefix = 0

    /// A builder of a fixed type.
    init(name: String, type: ColumnType, reserve: Int, policy: CSVNumberParsing.Policy) {
        self.name = name
        self.policy = policy
        self.type = type
        self.inferring = false
        reserveStorage(reserve)
    }

    /// A builder that infers its type from the values appended.
    init(inferringName name: String, policy: CSVNumberParsing.Policy) {
        self.name = name
        self.policy = policy
        self.type = .double
        self.inferring = true
    }

    private mutating func reserveStorage(_ rows: Int) {
        switch type {
        case .double: doubles.reserveCapacity(rows)
        case .float: floats.reserveCapacity(rows)
        case .int: ints.reserveCapacity(rows)
        case .string: strings.reserveCapacity(rows)
        case .bool: bools.reserveCapacity(rows)
        }
    }

    /// Appends a missing value.
    mutating func appendMissing() {
        missingRows.append(count)
        switch type {
        case .double: doubles.append(.nan)
        case .float: floats.append(.nan)
        case .int: ints.append(0)
        case .string: strings.append("")
        case .bool: bools.append(false)
        }
        count += 1
    }

    /// Appends a quoted empty field: the empty string in a text column, missing in any other.
    mutating func appendQuotedEmpty() {
        if type == .string && (sawValue || !inferring) {
            append(string: "")
            return
        }
        if inferring && !sawValue { quotedEmptyRows.append(count) }
        appendMissing()
    }

    /// Parses and appends a non-text value; `false` (and nothing appended) when the bytes do not convert or
    /// ``policy`` rejects them.
    @inline(__always)
    mutating func append(parsing bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch type {
        case .double:
            guard let value = CSVNumberParsing.parseDouble(bytes, policy: policy) else { return false }
            doubles.append(value)
        case .float:
            guard let value = CSVNumberParsing.parseFloat(bytes, policy: policy) else { return false }
            floats.append(value)
        case .int:
            guard let value = CSVNumberParsing.parseInt64(bytes) else { return false }
            if value == 0 && inferring && bytes.first == UInt8(ascii: "-") { negativeZeroRows.append(count) }
            ints.append(value)
        case .bool:
            guard let value = CSVNumberParsing.parseBool(bytes) else { return false }
            bools.append(value)
        case .string:
            return false
        }
        count += 1
        return true
    }

    /// Appends a text value (for a `string` column).
    mutating func append(string: String) {
        strings.append(string)
        count += 1
    }

    /// Appends a present value to an inferring column, widening the type when the value needs it.
    mutating func appendInferring(_ record: CSVRecordView, column: Int, scratch: inout [UInt8]) -> CSVInferringAppend {
        let raw = record.content(column)
        if !sawValue {
            sawValue = true
            let kind = CSVNumberParsing.classify(raw)
            retypeUntyped(to: kind.columnType)
        } else if type != .string {
            if append(parsing: raw) { return .appended }
            let kind = CSVNumberParsing.classify(raw)
            let numeric = kind == .int || kind == .double
            if type == .int && numeric {
                widenToDouble()
            } else if !(type == .double && numeric) {
                becomeText()
            }
        }
        if type == .string {
            guard let text = record.text(column, scratch: &scratch) else { return .invalidUTF8 }
            append(string: text)
            return .appended
        }
        if append(parsing: raw) { return .appended }
        // A number in the grammar that the policy rejects: still a number for inference.
        appendMissing()
        return .rejected
    }

    /// Gives a column that has only missing rows so far its first real type.
    private mutating func retypeUntyped(to newType: ColumnType) {
        type = newType
        doubles = []
        switch newType {
        case .double: doubles = [Double](repeating: .nan, count: count)
        case .float: floats = [Float](repeating: .nan, count: count)
        case .int: ints = [Int64](repeating: 0, count: count)
        case .bool: bools = [Bool](repeating: false, count: count)
        case .string:
            strings = [String](repeating: "", count: count)
            if !quotedEmptyRows.isEmpty {
                let empty = Set(quotedEmptyRows)
                missingRows.removeAll { empty.contains($0) }
            }
        }
        quotedEmptyRows = []
    }

    /// int → double: every integer converts exactly as parsing its text would.
    private mutating func widenToDouble() {
        var widened = ints.map { Double($0) }
        for row in negativeZeroRows { widened[row] = -0.0 }
        doubles = widened
        ints = []
        negativeZeroRows = []
        type = .double
    }

    /// Anything → text: the rows so far must be re-read from the text; rows from here on are kept as text.
    private mutating func becomeText() {
        pendingPrefix = count
        doubles = []
        ints = []
        bools = []
        strings = []
        missingRows = []
        negativeZeroRows = []
        type = .string
    }

    /// Fills in the rows `0..<pendingPrefix` of a column that became text.
    mutating func fillPrefix(strings prefix: [String], missingRows prefixMissing: [Int]) {
        strings = prefix + strings
        missingRows = prefixMissing + missingRows
        pendingPrefix = 0
    }

    /// Ends inference: a column with no values but a quoted empty field is text.
    mutating func finishInference() {
        if inferring && !sawValue && !quotedEmptyRows.isEmpty { retypeUntyped(to: .string) }
    }

    /// The finished column.
    func build() -> Column {
        var mask = MissingMask(count: count)
        for row in missingRows { mask[row] = true }
        let storage: ColumnData
        switch type {
        case .double: storage = .double(doubles)
        case .float: storage = .float(floats)
        case .int: storage = .int(ints)
        case .string: storage = .string(strings)
        case .bool: storage = .bool(bools)
        }
        return Column(unchecked: name, storage: storage, missing: mask)
    }
}

extension CSVNumberParsing.ValueClass {
    /// The column type for a column whose only value is of this class.
    var columnType: ColumnType {
        switch self {
        case .bool: .bool
        case .int: .int
        case .double: .double
        case .text: .string
        }
    }
}
