/// The metadata part: free-form key/values and lineage.
struct PackageMetadataDocument: Codable, Sendable {
    var metadata: [String: String]
    var lineage: ModelLineage
}
