/// A concrete element type and shape, as inferred for one batch size.
struct TensorSpec: Sendable, Hashable, CustomStringConvertible {
    var elementType: ElementType
    var shape: [Int]

    /// The element count (shapes here are always validated, so the product does not overflow).
    var count: Int { shape.reduce(1, *) }

    var description: String { "\(elementType)\(shape)" }

    /// numpy broadcasting of two shapes, or `nil` if they are incompatible.
    static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 {
                out[i] = da
            } else if da == 1 {
                out[i] = db
            } else {
                return nil
            }
        }
        return out
    }

    /// Normalises a possibly negative axis against `rank`; `nil` if out of range.
    static func normalizedAxis(_ axis: Int, rank: Int) -> Int? {
        let a = axis < 0 ? axis + rank : axis
        return a >= 0 && a < rank ? a : nil
    }
}
