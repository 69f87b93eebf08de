import MLOpsCore

/// A category an encoder learned: a text, or a whole number of a numeric column.
public enum Category: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// A text category.
    case text(String)
    /// A numeric category.
    case number(Double)

    /// Numbers in numeric order before texts in byte order.
    public static func < (a: Category, b: Category) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): x < y
        case (.text(let x), .text(let y)): Preprocessing.byteOrder(x, y)
        case (.number, .text): true
        case (.text, .number): false
        }
    }

    /// The text, or the number without a decimal point when it is whole.
    public var description: String {
        switch self {
        case .text(let value): value
        case .number(let value): Preprocessing.label(value)
        }
    }
}

/// The category of each row of a column (`nil` where missing), for the encoders.
struct CategoryValues {
    private let values: [Category?]

    /// The categories of `column`: its texts (empty text is missing) or its numbers (NaN is missing).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming the column and value for a number that is
    ///   not whole, when `wholeNumbersOnly`.
    init(_ column: Column, step: String, wholeNumbersOnly: Bool = true) throws {
        if column.type == .string {
            values = Preprocessing.texts(column).map { $0.map(Category.text) }
            return
        }
        let numbers = try column.doubles()
        if wholeNumbersOnly, let bad = numbers.first(where: { !$0.isNaN && ($0.rounded() != $0 || abs($0) >= 9e18) }) {
            throw MLOpsError(
                .invalidArgument,
                "\(step): the numeric column \(column.name) has the value \(bad), which is not a whole number; "
                    + "categories of a numeric column must be whole numbers", value: String(bad))
        }
        values = numbers.map { $0.isNaN ? nil : .number($0 == 0 ? 0 : $0) }
    }

    subscript(row: Int) -> Category? { values[row] }

    /// The distinct categories, sorted.
    func categories() -> [Category] { Set(values.compactMap { $0 }).sorted() }

    /// How many rows have each category.
    func counts() -> [Category: Int] {
        var counts: [Category: Int] = [:]
        for case let value? in values { counts[value, default: 0] += 1 }
        return counts
    }
}
