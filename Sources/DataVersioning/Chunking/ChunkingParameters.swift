// A plain gear-hash chunker without normalisation, in use until the FastCDC implementation lands.
public struct ChunkingParameters: Sendable, Hashable, Codable {
    public var minimumSize: Int
    public var averageSize: Int
    public var maximumSize: Int
    public var normalizationLevel: Int
    public static let `default` = ChunkingParameters(
        minimumSize: 256 << 10, averageSize: 1 << 20, maximumSize: 8 << 20, normalizationLevel: 2)
    public init(minimumSize: Int, averageSize: Int, maximumSize: Int, normalizationLevel: Int) {
        self.minimumSize = minimumSize
        self.averageSize = averageSize
        self.maximumSize = maximumSize
        self.normalizationLevel = normalizationLevel
    }
}
