/// A bitmap that marks which values of a ``Column`` are missing.
///
/// Bit `i` set means row `i` is missing. The mask is a value type with one bit
/// per row; ``missingCount`` is kept up to date so that "no missing values" is
/// an O(1) check. Missing is distinct from NaN: a present `Double` may be NaN.
public struct MissingMask: Sendable, Hashable {
    /// The number of rows the mask covers.
    public private(set) var count: Int
    /// How many rows are marked missing.
    public private(set) var missingCount: Int
    /// The bits, 64 rows per word, row `i` at bit `i % 64` of word `i / 64`. Bits past `count` are zero.
    private var words: [UInt64]

    /// A mask of `count` rows, all present.
    public init(count: Int = 0) {
        precondition(count >= 0, "MissingMask count must not be negative")
        self.count = count
        self.missingCount = 0
        self.words = [UInt64](repeating: 0, count: (count + 63) >> 6)
    }

    /// A mask with one flag per row, `true` meaning missing.
    public init(_ missing: [Bool]) {
        self.init(count: missing.count)
        for (index, flag) in missing.enumerated() where flag {
            words[index >> 6] |= 1 << UInt64(index & 63)
            missingCount += 1
        }
    }

    /// `true` when at least one row is missing.
    public var hasMissing: Bool { missingCount > 0 }

    /// Whether row `index` is missing. `index` must be in `0..<count`.
    public subscript(index: Int) -> Bool {
        get {
            precondition(index >= 0 && index < count, "MissingMask index out of range")
            return words[index >> 6] & (1 << UInt64(index & 63)) != 0
        }
        set {
            precondition(index >= 0 && index < count, "MissingMask index out of range")
            let bit: UInt64 = 1 << UInt64(index & 63)
            let old = words[index >> 6] & bit != 0
            guard old != newValue else { return }
            if newValue {
                words[index >> 6] |= bit
                missingCount += 1
            } else {
                words[index >> 6] &= ~bit
                missingCount -= 1
            }
        }
    }

    /// Adds one row at the end.
    public mutating func append(_ missing: Bool) {
        if count & 63 == 0 { words.append(0) }
        if missing {
            words[count >> 6] |= 1 << UInt64(count & 63)
            missingCount += 1
        }
        count += 1
    }

    /// Adds the rows of `other` at the end.
    public mutating func append(contentsOf other: MissingMask) {
        let base = count
        count += other.count
        let needed = (count + 63) >> 6
        if words.count < needed { words.append(contentsOf: repeatElement(0, count: needed - words.count)) }
        guard other.hasMissing else { return }
        for index in other.missingIndices {
            words[(base + index) >> 6] |= 1 << UInt64((base + index) & 63)
        }
        missingCount += other.missingCount
    }

    /// Reserves room for `rows` rows in total.
    public mutating func reserveCapacity(_ rows: Int) {
        words.reserveCapacity((rows + 63) >> 6)
    }

    /// The rows that are missing, in increasing order.
    public var missingIndices: [Int] {
        var result: [Int] = []
        result.reserveCapacity(missingCount)
        for (wordIndex, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                result.append(wordIndex << 6 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return result
    }

    /// The mask with rows taken at `indices`, in that order. Every index must be in `0..<count`.
    func gathering(_ indices: [Int]) -> MissingMask {
        var result = MissingMask(count: indices.count)
        guard hasMissing else { return result }
        for (position, index) in indices.enumerated() where self[index] {
            result[position] = true
        }
        return result
    }
}
