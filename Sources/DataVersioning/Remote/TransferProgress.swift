/// Progress of a push or pull, for a progress line: chunks and their bytes as they are copied,
/// then the commits, trees and chunk lists.
public struct TransferProgress: Sendable, Hashable {
    /// Chunks copied so far.
    public var chunks: Int
    /// Chunks to copy in all.
    public var totalChunks: Int
    /// Chunk bytes copied so far.
    public var bytes: UInt64
    /// Chunk bytes to copy in all.
    public var totalBytes: UInt64
    /// Commits, trees and chunk lists copied so far.
    public var objects: Int
    /// Commits, trees and chunk lists to copy in all.
    public var totalObjects: Int

    /// A progress value.
    public init(chunks: Int, totalChunks: Int, bytes: UInt64, totalBytes: UInt64, objects: Int, totalObjects: Int) {
        self.chunks = chunks
        self.totalChunks = totalChunks
        self.bytes = bytes
        self.totalBytes = totalBytes
        self.objects = objects
        self.totalObjects = totalObjects
    }
}
