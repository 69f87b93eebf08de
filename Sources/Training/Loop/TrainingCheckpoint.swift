public import MLOpsCore

/// A snapshot of an iterative estimator's training state, from which training resumes and ends with
/// the same model as an uninterrupted run.
///
/// The estimator owns ``state`` (its model so far and optimiser state, in its own versioned
/// format); the checkpoint adds the iteration, the generator's state, and a ``job`` fingerprint
/// (estimator, hyperparameters, data, seed) so that a checkpoint is never resumed into a different
/// job. ``encoded()`` is the form stored in a `BlobStore`.
public struct TrainingCheckpoint: Sendable, Hashable {
    /// Identifies the training job: equal fingerprints mean the same estimator, hyperparameters,
    /// training data and seed.
    public var job: String
    /// The last iteration the state includes (counting from 1).
    public var iteration: Int
    /// The shared generator after that iteration.
    public var random: SeededRandom
    /// The estimator's state.
    public var state: [UInt8]

    /// A checkpoint.
    public init(job: String, iteration: Int, random: SeededRandom, state: [UInt8]) {
        self.job = job
        self.iteration = iteration
        self.random = random
        self.state = state
    }

    private static let magic = Array("MLCKPT1\n".utf8)

    /// The checkpoint as bytes: a magic line, a JSON header, the state, and a SHA-256 of all of it.
    public func encoded() throws -> [UInt8] {
        let header = Header(job: job, iteration: iteration, random: random, stateBytes: state.count)
        var bytes = Self.magic
        let json = try RecordCoding.encode(header)
        bytes += withUnsafeBytes(of: UInt32(json.count).littleEndian, Array.init)
        bytes += json
        bytes += state
        bytes += SHA256.hash(bytes).bytes
        return bytes
    }

    /// Decodes ``encoded()``.
    ///
    /// - Throws: `MLOpsError` `corruptData` naming `source` for anything that is not a whole,
    ///   undamaged checkpoint.
    public init(bytes: [UInt8], source: String = "the checkpoint") throws {
        func corrupt(_ what: String) -> MLOpsError {
            MLOpsError(.corruptData, "\(source) is not a valid training checkpoint: \(what)", value: source)
        }
        guard bytes.count >= Self.magic.count + 4 + 32, bytes.starts(with: Self.magic) else {
            throw corrupt("it does not start with the checkpoint marker")
        }
        let body = bytes[..<(bytes.count - 32)]
        guard Array(SHA256.hash(Array(body)).bytes) == Array(bytes.suffix(32)) else {
            throw corrupt("its checksum does not match (a damaged or truncated file)")
        }
        var offset = Self.magic.count
        let length = bytes[offset..<(offset + 4)].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        offset += 4
        guard length <= body.count - offset else { throw corrupt("its header length is out of range") }
        let header: Header
        do {
            header = try RecordCoding.decode(Header.self, from: Array(bytes[offset..<(offset + length)]))
        } catch {
            throw corrupt("its header is not readable")
        }
        offset += length
        guard header.stateBytes == body.count - offset else { throw corrupt("its state has the wrong length") }
        self.init(job: header.job, iteration: header.iteration, random: header.random, state: Array(body[offset...]))
    }

    private struct Header: Codable {
        var job: String
        var iteration: Int
        var random: SeededRandom
        var stateBytes: Int
    }
}
