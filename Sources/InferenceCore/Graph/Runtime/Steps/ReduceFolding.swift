/// One reduction kind as a type, so ``ReduceStep``'s loops are specialised per kind and element
/// type (closures passed to a large generic function are not reliably inlined).
///
/// A reduced set folds as `finish(combine(…combine(map(x₀), map(x₁))…, map(xₙ₋₁)), n)`, or
/// `finish(empty, 0)` when it is empty.
protocol ReduceFolding {
    associatedtype Element: ReduceScalar
    /// The result of folding an empty set (before `finish`).
    static var empty: Element { get }
    /// Whether partial results may be combined in another order (sums and products; not
    /// max/min, whose NaN rule depends on the order).
    static var reassociates: Bool { get }
    /// The elementwise part.
    static func map(_ x: Element) -> Element
    /// Adds one mapped element to a partial result.
    static func combine(_ a: Element, _ b: Element) -> Element
    /// The result from the folded value and the set size.
    static func finish(_ v: Element, _ count: Int) -> Element
}

extension ReduceFolding {
    static var reassociates: Bool { true }
    @inline(__always) static func map(_ x: Element) -> Element { x }
    @inline(__always) static func combine(_ a: Element, _ b: Element) -> Element { Element.plus(a, b) }
    @inline(__always) static func finish(_ v: Element, _ count: Int) -> Element { v }
    static var empty: Element { Element.zero }
}

/// `Σ x`.
enum SumFolding<Element: ReduceScalar>: ReduceFolding {}

/// `Σ x / n` (0 for an empty set, as onnxruntime).
enum MeanFolding<Element: ReduceScalar>: ReduceFolding {
    @inline(__always) static func finish(_ v: Element, _ count: Int) -> Element {
        count == 0 ? v : Element.mean(v, count)
    }
}

/// `Σ x²`.
enum SumSquareFolding<Element: ReduceScalar>: ReduceFolding {
    @inline(__always) static func map(_ x: Element) -> Element { Element.times(x, x) }
}

/// `Π x`.
enum ProdFolding<Element: ReduceScalar>: ReduceFolding {
    static var empty: Element { Element.one }
    @inline(__always) static func combine(_ a: Element, _ b: Element) -> Element { Element.times(a, b) }
}

/// The largest element; a NaN wins only as the first.
enum MaxFolding<Element: ReduceScalar>: ReduceFolding {
    static var empty: Element { Element.lowest }
    static var reassociates: Bool { false }
    @inline(__always) static func combine(_ a: Element, _ b: Element) -> Element { b > a ? b : a }
}

/// The smallest element; a NaN wins only as the first.
enum MinFolding<Element: ReduceScalar>: ReduceFolding {
    static var empty: Element { Element.highest }
    static var reassociates: Bool { false }
    @inline(__always) static func combine(_ a: Element, _ b: Element) -> Element { b < a ? b : a }
}

/// `Σ |x|`.
enum L1Folding<Element: ReduceScalar>: ReduceFolding {
    @inline(__always) static func map(_ x: Element) -> Element { x.absolute }
}

/// `√(Σ x²)`.
enum L2Folding<Element: ReduceScalar>: ReduceFolding {
    @inline(__always) static func map(_ x: Element) -> Element { Element.times(x, x) }
    @inline(__always) static func finish(_ v: Element, _ count: Int) -> Element {
        Element(real: v.real.squareRoot())
    }
}

/// `log Σ x`.
enum LogSumFolding<Element: ReduceScalar>: ReduceFolding {
    @inline(__always) static func finish(_ v: Element, _ count: Int) -> Element {
        Element(real: Element.log(v.real))
    }
}
