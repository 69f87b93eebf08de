/// One round of cross-validation: the rows to fit on and the rows to score.
public struct Fold: Sendable, Hashable, Codable {
    /// Row indices to fit on, ascending.
    public let train: [Int]
    /// Row indices to score, ascending.
    public let test: [Int]

    /// A fold of the given rows (kept in the order given).
    public init(train: [Int], test: [Int]) {
        self.train = train
        self.test = test
    }
}
