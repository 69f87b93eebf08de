#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
public import MLOpsCore

/// A model as one self-describing, versioned file: the graph, its weights, its signature,
/// free-form metadata and lineage, sealed with SHA-256.
///
/// ```swift
/// let package = ModelPackage(
///     graph: graph, metadata: ["owner": "fraud-team"],
///     lineage: ModelLineage(runId: run.runID))
/// try package.write(to: "model.mlpkg")
/// let loaded = try ModelPackage(contentsOf: "model.mlpkg")
/// let model = try loaded.compile()
/// ```
///
/// **Layout** (all integers little-endian):
/// `"MLOPSPKG"` · format version u32 · flags u32 (0) · manifest length u64 · payload length u64 ·
/// manifest (JSON) · payload (the parts) · SHA-256 of every preceding byte (32 bytes).
/// The manifest lists each part (`graph` JSON, `weights` binary, `signature` JSON,
/// `metadata` JSON) with its offset, length and SHA-256.
///
/// **Loading** checks the magic, version, lengths, the whole-file digest, every part's digest,
/// every count and size against ``Limits``, and finally validates the graph. Nothing in a package
/// is executed: the graph is data. A truncated, tampered or hostile file gets an `MLOpsError`
/// (`corruptData`, `limitExceeded`, `unsupported`), never a crash.
public struct ModelPackage: Sendable {
    /// The format version this code writes and reads.
    public static let formatVersion = 1
    /// The file's first eight bytes.
    static let magic = Array("MLOPSPKG".utf8)
    static let headerSize = 32
    static let trailerSize = 32

    /// The model.
    public var graph: ModelGraph
    /// The model's inputs and outputs and the names of its input columns.
    public var signature: ModelSignature
    /// Free-form key/value metadata.
    public var metadata: [String: String]
    /// Where the model came from.
    public var lineage: ModelLineage
    /// The SHA-256 in the file's trailer, when the package was read from bytes or a file.
    public private(set) var digest: SHA256Digest?

    /// Creates a package; the signature is taken from the graph.
    public init(
        graph: ModelGraph, featureNames: [String] = [], metadata: [String: String] = [:],
        lineage: ModelLineage = ModelLineage()
    ) {
        self.graph = graph
        self.signature = ModelSignature(graph: graph, featureNames: featureNames)
        self.metadata = metadata
        self.lineage = lineage
    }

    /// Compiles the package's graph; see ``ModelGraph/compile(options:)``.
    public func compile(options: CompileOptions = CompileOptions()) throws -> CompiledModel {
        try graph.compile(options: options)
    }

    // MARK: - Encoding

    /// The package as file bytes.
    ///
    /// - Throws: `MLOpsError` (`invalidArgument`) if the graph is invalid, the signature does
    ///   not match it or names a feature twice.
    public func encoded() throws -> [UInt8] {
        try graph.validate()
        guard signature.inputs == graph.inputs, signature.outputs == graph.outputs else {
            throw MLOpsError(
                .invalidArgument, "The signature's inputs and outputs differ from the graph's; rebuild the signature.")
        }
        try FeatureNames.checkUnique(signature.featureNames, "The signature")
        var weights = WeightWriter()
        let document = PackageGraphCodec.encode(graph, weights: &weights)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let parts: [(String, [UInt8])] = [
            ("graph", Array(try encoder.encode(document))),
            ("weights", weights.bytes),
            ("signature", Array(try encoder.encode(signature))),
            ("metadata", Array(try encoder.encode(PackageMetadataDocument(metadata: metadata, lineage: lineage)))),
        ]
        return try Self.assemble(parts: parts)
    }

    /// Lays out `parts` (name, bytes) with a manifest, header and trailer digest.
    static func assemble(parts: [(String, [UInt8])], version: Int = formatVersion) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var payload: [UInt8] = []
        var entries: [PackageManifest.Part] = []
        for (name, bytes) in parts {
            while payload.count % 8 != 0 { payload.append(0) }
            entries.append(
                PackageManifest.Part(
                    name: name, offset: payload.count, length: bytes.count, sha256: SHA256.hash(bytes).hexString))
            payload.append(contentsOf: bytes)
        }
        let manifest = Array(
            try encoder.encode(
                PackageManifest(format: PackageManifest.formatName, formatVersion: version, parts: entries)))
        var out: [UInt8] = []
        out.reserveCapacity(Self.headerSize + manifest.count + payload.count + Self.trailerSize)
        out.append(contentsOf: Self.magic)
        Self.append(UInt32(truncatingIfNeeded: version), to: &out)
        Self.append(UInt32(0), to: &out)
        Self.append(UInt64(manifest.count), to: &out)
        Self.append(UInt64(payload.count), to: &out)
        out.append(contentsOf: manifest)
        out.append(contentsOf: payload)
        out.append(contentsOf: SHA256.hash(out).bytes)
        return out
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func integer<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        var value: T = 0
        for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
        return value
    }

    // MARK: - Decoding

    /// Reads a package from file bytes, checking everything (see the type's documentation).
    ///
    /// - Throws: `MLOpsError`: `corruptData` for bad magic, lengths, digests or structure;
    ///   `unsupported` for another format version; `limitExceeded` for a bound in `limits` or a
    ///   graph whose tensor sizes overflow (see ``ModelGraph/validate()``).
    public init(bytes: [UInt8], limits: Limits = .default) throws {
        guard bytes.count <= limits.maxFileBytes else {
            throw PackageError.limit("the file size", bytes.count, limits.maxFileBytes)
        }
        guard bytes.starts(with: Self.magic) else {
            throw MLOpsError(
                .parseError,
                "the bytes are not a model package: a package starts with MLOPSPKG, these start with "
                    + ModelFile.preview(bytes))
        }
        guard bytes.count >= Self.headerSize + Self.trailerSize else {
            throw PackageError.corrupt(
                "it is only \(bytes.count) bytes long, shorter than a package's \(Self.headerSize + Self.trailerSize)-byte "
                    + "header and trailer (truncated)", value: String(bytes.count))
        }
        let version = Int(Self.integer(UInt32.self, bytes, at: 8))
        guard version == Self.formatVersion else {
            throw MLOpsError(
                .unsupported,
                "The model package has format version \(version); this build reads version \(Self.formatVersion). "
                    + "Use a matching swift-mlops release.", value: String(version))
        }
        guard Self.integer(UInt32.self, bytes, at: 12) == 0 else {
            throw PackageError.corrupt("the header flags are not zero")
        }
        let manifestLength = Self.integer(UInt64.self, bytes, at: 16)
        let payloadLength = Self.integer(UInt64.self, bytes, at: 24)
        let available = UInt64(bytes.count - Self.headerSize - Self.trailerSize)
        guard manifestLength <= available, payloadLength <= available - manifestLength,
            manifestLength + payloadLength == available
        else {
            throw PackageError.corrupt(
                "the header's lengths (\(manifestLength) + \(payloadLength)) do not match the file size \(bytes.count)")
        }
        let sealed = bytes.count - Self.trailerSize
        let digest = bytes.withUnsafeBytes { SHA256.hash(UnsafeRawBufferPointer(rebasing: $0[0..<sealed])) }
        guard digest.bytes == Array(bytes[sealed...]) else {
            throw PackageError.corrupt("the file's SHA-256 does not match its trailer")
        }
        let manifestStart = Self.headerSize
        let manifestEnd = manifestStart + Int(manifestLength)
        guard Int(manifestLength) <= limits.maxJSONBytes else {
            throw PackageError.limit("the manifest size", Int(manifestLength), limits.maxJSONBytes)
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let manifest: PackageManifest = try Self.decodeJSON(
            PackageManifest.self, bytes[manifestStart..<manifestEnd], "manifest", decoder)
        guard manifest.format == PackageManifest.formatName, manifest.formatVersion == version else {
            throw PackageError.corrupt("the manifest names another format", value: manifest.format)
        }
        var parts: [String: ArraySlice<UInt8>] = [:]
        let payloadStart = manifestEnd
        for part in manifest.parts {
            guard PackageManifest.partNames.contains(part.name), parts[part.name] == nil else {
                throw PackageError.corrupt("the manifest lists an unknown or repeated part", value: part.name)
            }
            guard part.offset >= 0, part.length >= 0, part.offset <= Int(payloadLength),
                part.length <= Int(payloadLength) - part.offset
            else {
                throw PackageError.corrupt("part '\(part.name)' lies outside the payload", value: part.name)
            }
            let slice = bytes[(payloadStart + part.offset)..<(payloadStart + part.offset + part.length)]
            let hash = slice.withUnsafeBytes { SHA256.hash($0) }
            guard hash.hexString == part.sha256.lowercased() else {
                throw PackageError.corrupt("part '\(part.name)' does not match its SHA-256", value: part.name)
            }
            if part.name != "weights" && part.length > limits.maxJSONBytes {
                throw PackageError.limit("the size of part '\(part.name)'", part.length, limits.maxJSONBytes)
            }
            parts[part.name] = slice
        }
        guard let graphBytes = parts["graph"], let weightBytes = parts["weights"],
            let signatureBytes = parts["signature"], let metadataBytes = parts["metadata"]
        else {
            throw PackageError.corrupt("the manifest lacks a required part")
        }
        let document = try Self.decodeJSON(PackageGraphDocument.self, graphBytes, "graph", decoder)
        let signature = try Self.decodeJSON(ModelSignature.self, signatureBytes, "signature", decoder)
        let meta = try Self.decodeJSON(PackageMetadataDocument.self, metadataBytes, "metadata", decoder)
        let graph = try PackageGraphCodec.decode(
            document, weights: WeightReader(bytes: Array(weightBytes)), limits: limits)
        guard meta.metadata.count <= limits.maxMetadataEntries else {
            throw PackageError.limit("the metadata entry count", meta.metadata.count, limits.maxMetadataEntries)
        }
        for (k, v) in meta.metadata {
            try PackageGraphCodec.checkString(k, limits)
            try PackageGraphCodec.checkString(v, limits)
        }
        guard signature.featureNames.count <= limits.maxElements else {
            throw PackageError.limit("the feature name count", signature.featureNames.count, limits.maxElements)
        }
        guard signature.inputs == graph.inputs, signature.outputs == graph.outputs else {
            throw PackageError.corrupt("the signature does not match the graph's inputs and outputs")
        }
        try FeatureNames.checkUnique(signature.featureNames, "The signature", code: .corruptData)
        do {
            try graph.validate()
        } catch let error as MLOpsError where error.code == .limitExceeded {
            throw error
        } catch let error as MLOpsError {
            throw PackageError.corrupt("the graph is invalid (\(error.message))", value: error.value)
        }
        self.graph = graph
        self.signature = signature
        self.metadata = meta.metadata
        self.lineage = meta.lineage
        self.digest = digest
    }

    private static func decodeJSON<T: Decodable>(
        _: T.Type, _ bytes: ArraySlice<UInt8>, _ what: String, _ decoder: JSONDecoder
    ) throws -> T {
        do {
            return try decoder.decode(T.self, from: Data(bytes))
        } catch {
            throw PackageError.corrupt("the \(what) is not valid JSON of the expected form (\(describe(error)))")
        }
    }

    /// A `DecodingError` in plain words: what was wrong and where (e.g. "`inputs[0].name` is
    /// missing"), instead of the error's debug dump.
    private static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "the top level" : text)
        }
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, let context):
            return "`\(path(context.codingPath + [key]))` is missing"
        case .typeMismatch(let type, let context):
            return "`\(path(context.codingPath))` is not a \(type)"
        case .valueNotFound(let type, let context):
            return "`\(path(context.codingPath))` is null where a \(type) is expected"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "`\(path(context.codingPath))` is invalid"
        @unknown default:
            return "\(error)"
        }
    }
}
