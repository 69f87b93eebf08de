extension ModelPackage {
    /// Bounds checked while a package is read, so a hostile or corrupt file is rejected with
    /// `limitExceeded` before it can exhaust memory.
    public struct Limits: Sendable, Hashable {
        /// The largest package file, in bytes; the default is 2 GiB (2^31). A file over it is
        /// refused before it is read.
        public var maxFileBytes: Int
        /// The largest JSON part (manifest, graph, signature, metadata), in bytes.
        public var maxJSONBytes: Int
        /// The most nodes in the graph.
        public var maxNodes: Int
        /// The most tensors: graph inputs, outputs and initialisers together.
        public var maxTensors: Int
        /// The highest tensor rank.
        public var maxRank: Int
        /// The most elements in one tensor or attribute array.
        public var maxElements: Int
        /// The most bytes in one string (names, labels, metadata values).
        public var maxStringBytes: Int
        /// The most metadata entries.
        public var maxMetadataEntries: Int
        /// The most tree nodes over all tree ensembles.
        public var maxTreeNodes: Int

        /// Creates limits; the defaults accept any realistic model.
        public init(
            maxFileBytes: Int = 1 << 31, maxJSONBytes: Int = 256 << 20, maxNodes: Int = 100_000,
            maxTensors: Int = 100_000, maxRank: Int = 8, maxElements: Int = 1 << 31, maxStringBytes: Int = 1 << 20,
            maxMetadataEntries: Int = 10_000, maxTreeNodes: Int = 1 << 28
        ) {
            self.maxFileBytes = maxFileBytes
            self.maxJSONBytes = maxJSONBytes
            self.maxNodes = maxNodes
            self.maxTensors = maxTensors
            self.maxRank = maxRank
            self.maxElements = maxElements
            self.maxStringBytes = maxStringBytes
            self.maxMetadataEntries = maxMetadataEntries
            self.maxTreeNodes = maxTreeNodes
        }

        /// The default limits.
        public static let `default` = Limits()
    }
}
