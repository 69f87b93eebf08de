#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MLOpsCore

/// An opaque search page token: base64 of JSON `{"offset": n, "query": "<hash>"}`,
/// where the hash fingerprints the search (experiments, filter, order, view)
/// so a token cannot be replayed against a different search.
struct PageToken: Codable, Hashable {
    var offset: Int
    var query: String

    init(offset: Int, query: String) {
        self.offset = offset
        self.query = query
    }

    func encoded() -> String {
        let json = (try? RecordCoding.encode(self)) ?? []
        return Data(json).base64EncodedString()
    }

    /// Decodes `text` and checks it belongs to the search with fingerprint `query`.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for a token that is not one
    ///   of ours, or one from a different search.
    init(decoding text: String, query: String) throws {
        guard let data = Data(base64Encoded: text),
            let token = try? RecordCoding.decode(PageToken.self, from: Array(data)), token.offset >= 0
        else {
            throw MLOpsError(
                .invalidArgument,
                "malformed page token; pass back the nextPageToken of an earlier search unchanged", value: text)
        }
        guard token.query == query else {
            throw MLOpsError(
                .invalidArgument,
                "the page token belongs to a different search (its experiments, filter, order or view differ)",
                value: text)
        }
        self = token
    }

    /// A stable fingerprint of a search (FNV-1a 64 of its canonical text).
    static func fingerprint(experimentIDs: [String], filter: RunFilter, order: RunOrder, viewType: ViewType) -> String {
        var text = "v1|" + experimentIDs.sorted().joined(separator: ",") + "|" + filter.description + "|"
        text += order.effectiveClauses.map(\.description).joined(separator: ",") + "|" + viewType.rawValue
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
