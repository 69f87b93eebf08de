/// One page of a run search: the runs, and the token for the next page.
public struct RunPage: Sendable, Hashable, Codable {
    /// The runs on this page, in the search's order.
    public var runs: [Run]
    /// Pass this to the same search to get the next page; `nil` on the last page.
    public var nextPageToken: String?

    /// Creates a page.
    public init(runs: [Run], nextPageToken: String?) {
        self.runs = runs
        self.nextPageToken = nextPageToken
    }
}
