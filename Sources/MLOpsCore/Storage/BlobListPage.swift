/// One page of a paged ``BlobStore`` listing: keys in ascending byte order and the cursor of the next page.
///
/// ```swift
/// var cursor: BlobKey? = nil
/// repeat {
///     let page = try await store.list(prefix: "runs", after: cursor, limit: 500)
///     for key in page.keys { print(key) }
///     cursor = page.next
/// } while cursor != nil
/// ```
///
/// Paging never loses or repeats a key that exists during the whole listing: each page starts strictly after
/// the previous page's last key. A key added or removed while the pages are read may or may not appear.
public struct BlobListPage: Sendable, Hashable {
    /// The page's keys, in ascending byte order, at most the limit asked for.
    public var keys: [BlobKey]
    /// The cursor to pass as `after` for the next page (the last key of this page), or `nil` when no key
    /// follows this page.
    public var next: BlobKey?

    /// Creates a page.
    public init(keys: [BlobKey], next: BlobKey?) {
        self.keys = keys
        self.next = next
    }

    /// A page from up to `limit + 1` keys in order: the first `limit` are the page; a further one only says
    /// that a next page exists.
    package init(keys: [BlobKey], limit: Int) {
        if keys.count > limit {
            self.keys = Array(keys.prefix(limit))
            next = self.keys.last
        } else {
            self.keys = keys
            next = nil
        }
    }

    /// Checks a page size: at least 1.
    ///
    /// - Throws: ``MLOpsError`` `invalidArgument` for a limit below 1.
    package static func validate(limit: Int) throws {
        guard limit >= 1 else {
            throw MLOpsError(
                .invalidArgument, "a page must hold at least one key; pass a limit of 1 or more",
                value: String(limit))
        }
    }
}
