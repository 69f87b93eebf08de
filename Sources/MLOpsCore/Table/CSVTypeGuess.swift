/// Type inference state for one CSV column.
///
/// The inferred type is the narrowest that every present value converts to, in the order
/// bool → int → double → string. A column with no present values is `double`, unless it held a quoted empty
/// field (`""`), which is the empty string and makes it `string`.
///
/// `nan` / `inf` literals and numbers out of `Double`'s range (`1e999`, a 10,000-digit number) count as doubles
/// here, so a column of numbers holding one is inferred `double` and converting that value then fails with a
/// `parseError` naming its line and column (unless `CSVReadOptions.allowNonFiniteNumbers` /
/// `allowOutOfRangeNumbers` accept it); the column never silently becomes text or a column of infinities.
struct CSVTypeGuess {
    private var canBool = true
    private var canInt = true
    private var canDouble = true
    private var sawValue = false
    private var sawQuotedEmpty = false

    /// Takes one present (non-missing) field into account.
    @inline(__always)
    mutating func observe(_ bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.isEmpty {
            // Only a quoted empty field reaches here: text if the column turns out to be text, else missing.
            sawQuotedEmpty = true
            return
        }
        sawValue = true
        guard canBool || canInt || canDouble else { return }
        switch CSVNumberParsing.classify(bytes) {
        case .bool:
            canInt = false
            canDouble = false
        case .int:
            canBool = false
        case .double:
            canBool = false
            canInt = false
        case .text:
            canBool = false
            canInt = false
            canDouble = false
        }
    }

    /// Whether any present field was observed; without one, ``type`` is the default `double`.
    var observedAny: Bool { sawValue || sawQuotedEmpty }

    /// The inferred type.
    var type: ColumnType {
        if !sawValue { return sawQuotedEmpty ? .string : .double }
        if canBool { return .bool }
        if canInt { return .int }
        if canDouble { return .double }
        return .string
    }
}
