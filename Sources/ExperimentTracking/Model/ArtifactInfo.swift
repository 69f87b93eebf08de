/// One entry of a run's artifact listing (MLflow's `FileInfo`).
public struct ArtifactInfo: Sendable, Hashable, Codable {
    /// The path relative to the run's artifact root, e.g. `model/weights.bin`.
    public var path: String
    /// Whether the entry is a directory (it then has entries below it).
    public var isDirectory: Bool
    /// The file's size in bytes; `nil` for a directory.
    public var size: Int?

    /// Creates an entry.
    public init(path: String, isDirectory: Bool, size: Int?) {
        self.path = path
        self.isDirectory = isDirectory
        self.size = size
    }
}
