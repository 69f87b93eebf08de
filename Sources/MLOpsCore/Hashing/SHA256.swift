import CMLOpsKernels
/// SHA-256 (FIPS 180-4), in pure Swift, one-shot or streaming.
///
/// Hash bytes you already hold with `hash(_:)`, a file with
/// ``hash(fileAt:)``, or feed pieces as they arrive and ``finalize()`` at the end:
///
/// ```swift
/// let digest = SHA256.hash(Array("abc".utf8))
///
/// var hasher = SHA256()
/// hasher.update(header)
/// hasher.update(payload)
/// let same = hasher.finalize()
/// ```
///
/// A `SHA256` value is a plain value type: copying it forks the computation,
/// and ``finalize()`` does not change the hasher, so the same value can keep
/// absorbing bytes afterwards (the digest then covers everything absorbed so
/// far). Updating allocates nothing; whole 64-byte blocks are hashed straight
/// from the caller's memory.
///
/// The code is scalar and portable; it does not use the CPU's SHA extensions.
public struct SHA256: Sendable {
    /// The number of bytes SHA-256 processes at a time (64).
    public static let blockByteCount = 64

    /// The eight working words of the hash state.
    struct State: Sendable {
        var h0: UInt32 = 0x6a09_e667
        var h1: UInt32 = 0xbb67_ae85
        var h2: UInt32 = 0x3c6e_f372
        var h3: UInt32 = 0xa54f_f53a
        var h4: UInt32 = 0x510e_527f
        var h5: UInt32 = 0x9b05_688c
        var h6: UInt32 = 0x1f83_d9ab
        var h7: UInt32 = 0x5be0_cd19
    }

    private var state = State()
    // Bytes of an incomplete block, kept inline: 8 × 8 = 64 bytes.
    private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    // How many bytes of `pending` are in use, 0..<64.
    private var pendingCount = 0
    // Total bytes absorbed so far (the message length; SHA-256 appends it in bits, modulo 2^64).
    private var totalByteCount: UInt64 = 0

    /// Creates a hasher that has absorbed nothing.
    public init() {}

    /// Absorbs the bytes in `bytes`.
    ///
    /// Whole blocks are hashed directly from `bytes`; at most 63 bytes are
    /// copied into the hasher to wait for the next call.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var input = bytes.baseAddress, !bytes.isEmpty else { return }
        var remaining = bytes.count
        totalByteCount &+= UInt64(remaining)

        if pendingCount > 0 {
            let taken = min(remaining, Self.blockByteCount - pendingCount)
            let offset = pendingCount
            withUnsafeMutableBytes(of: &pending) { buffer in
                UnsafeMutableRawBufferPointer(rebasing: buffer[offset...])
                    .copyMemory(from: UnsafeRawBufferPointer(start: input, count: taken))
            }
            pendingCount += taken
            input += taken
            remaining -= taken
            guard pendingCount == Self.blockByteCount else { return }
            var block = pending
            withUnsafeBytes(of: &block) { buffer in
                if let start = buffer.baseAddress { Self.compress(&state, blocks: start, count: 1) }
            }
            pendingCount = 0
        }

        let wholeBlocks = remaining / Self.blockByteCount
        if wholeBlocks > 0 {
            Self.compress(&state, blocks: input, count: wholeBlocks)
            input += wholeBlocks * Self.blockByteCount
            remaining -= wholeBlocks * Self.blockByteCount
        }
        if remaining > 0 {
            withUnsafeMutableBytes(of: &pending) { buffer in
                buffer.copyMemory(from: UnsafeRawBufferPointer(start: input, count: remaining))
            }
            pendingCount = remaining
        }
    }

    /// Absorbs the bytes of an array.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Absorbs the bytes of any sequence of bytes.
    ///
    /// Contiguous collections (`[UInt8]`, `ArraySlice`, `String.UTF8View` of a
    /// native string…) are hashed in place; other sequences are copied through
    /// a small stack buffer, without a heap allocation.
    public mutating func update<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done != nil { return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { chunk in
            var count = 0
            for byte in bytes {
                chunk[count] = byte
                count += 1
                if count == chunk.count {
                    update(UnsafeRawBufferPointer(chunk))
                    count = 0
                }
            }
            update(UnsafeRawBufferPointer(start: chunk.baseAddress, count: count))
        }
    }

    /// Returns the digest of everything absorbed so far.
    ///
    /// The hasher itself is not changed: further `update(_:)`
    /// calls continue the same message.
    public func finalize() -> SHA256Digest {
        var copy = self
        let bitLength = totalByteCount &* 8
        // Padding: 0x80, zeros up to 56 mod 64, then the length in bits, big-endian.
        var padding: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0)
        let padCount = (pendingCount < 56 ? 56 : 120) - pendingCount
        withUnsafeMutableBytes(of: &padding) { buffer in
            buffer[0] = 0x80
            buffer.storeBytes(of: bitLength.bigEndian, toByteOffset: padCount, as: UInt64.self)
            copy.update(UnsafeRawBufferPointer(rebasing: buffer[..<(padCount + 8)]))
        }
        let s = copy.state
        return SHA256Digest(
            words: UInt64(s.h0) << 32 | UInt64(s.h1),
            UInt64(s.h2) << 32 | UInt64(s.h3),
            UInt64(s.h4) << 32 | UInt64(s.h5),
            UInt64(s.h6) << 32 | UInt64(s.h7)
        )
    }

    /// Returns the SHA-256 digest of the bytes in `buffer`.
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(buffer)
        return hasher.finalize()
    }

    /// Returns the SHA-256 digest of an array of bytes.
    public static func hash(_ bytes: [UInt8]) -> SHA256Digest {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// Returns the SHA-256 digest of any sequence of bytes, e.g. `string.utf8`.
    public static func hash<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Returns the SHA-256 digest of a file's contents, read in 1 MiB chunks.
    ///
    /// Memory use stays at one 1 MiB buffer whatever the file's size. The file
    /// is read with POSIX `open`/`read`; interrupted reads are retried.
    ///
    /// - Throws: ``MLOpsError`` with code ``MLOpsError/Code/ioError`` and the
    ///   path as its value when the file cannot be opened or read.
    public static func hash(fileAt path: String) throws -> SHA256Digest {
        let descriptor = Platform.open(path, .readOnly)
        guard descriptor >= 0 else {
            throw MLOpsError(.ioError, "cannot open the file to hash it: \(lastErrorText())", value: path)
        }
        defer { Platform.close(descriptor) }

        let chunkSize = 1 << 20
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { chunk.deallocate() }
        var hasher = SHA256()
        while true {
            let count = Platform.read(descriptor, chunk)
            if count > 0 {
                hasher.update(UnsafeRawBufferPointer(start: chunk.baseAddress, count: count))
            } else if count == 0 {
                return hasher.finalize()
            } else if Platform.errno != Platform.interrupted {
                throw MLOpsError(.ioError, "cannot read the file to hash it: \(lastErrorText())", value: path)
            }
        }
    }

    private static func lastErrorText() -> String {
        let code = Platform.errno
        return "\(Platform.describe(errno: code)) (errno \(code))"
    }
}

// MARK: - Compression

extension SHA256 {
    /// The 64 round constants: the first 32 bits of the fractional parts of
    /// the cube roots of the first 64 primes.
    static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5,
        0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3,
        0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc,
        0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7,
        0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13,
        0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3,
        0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5,
        0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208,
        0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// Hashes `count` consecutive 64-byte blocks starting at `blocks` into `state`.
    ///
    /// Written for throughput: the working variables and the 16-word message
    /// window live in locals (registers where the CPU has them), words are
    /// loaded unaligned with a byte swap, nothing is allocated. Rounds 0..<16
    /// are written out; rounds 16..<64 run as three passes of a written-out
    /// 16-round body — fully unrolling all 64 made the machine code too large
    /// for the CPU's decoded-instruction cache and measured about 15 % slower.
    static func compress(_ state: inout State, blocks: UnsafeRawPointer, count: Int) {
        if KernelISA.current.usesSHAInstructions, compressWithInstructions(&state, blocks: blocks, count: count) {
            return
        }
        compressPortable(&state, blocks: blocks, count: count)
    }

    /// The CPU's SHA instructions (`CMLOpsKernels`: SHA-NI on x86-64, the SHA-256 instructions on
    /// arm64); `false` if it has none.
    static func compressWithInstructions(_ state: inout State, blocks: UnsafeRawPointer, count: Int) -> Bool {
        var words: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
            state.h0, state.h1, state.h2, state.h3, state.h4, state.h5, state.h6, state.h7
        )
        let done = withUnsafeMutableBytes(of: &words) { raw in
            mlops_sha256_compress(
                raw.baseAddress!.assumingMemoryBound(to: UInt32.self),
                blocks.assumingMemoryBound(to: UInt8.self), count) != 0
        }
        if done {
            state = State(
                h0: words.0, h1: words.1, h2: words.2, h3: words.3, h4: words.4, h5: words.5, h6: words.6,
                h7: words.7)
        }
        return done
    }

    /// The portable Swift compression: the reference the SHA-instruction kernels are tested against.
    static func compressPortable(_ state: inout State, blocks: UnsafeRawPointer, count: Int) {
        roundConstants.withUnsafeBufferPointer { constants in
            guard let k = constants.baseAddress else { return }
            var block = blocks
            var a = state.h0
            var b = state.h1
            var c = state.h2
            var d = state.h3
            var e = state.h4
            var f = state.h5
            var g = state.h6
            var h = state.h7
            for _ in 0..<count {
                var w0 = block.loadUnaligned(fromByteOffset: 0, as: UInt32.self).bigEndian
                var w1 = block.loadUnaligned(fromByteOffset: 4, as: UInt32.self).bigEndian
                var w2 = block.loadUnaligned(fromByteOffset: 8, as: UInt32.self).bigEndian
                var w3 = block.loadUnaligned(fromByteOffset: 12, as: UInt32.self).bigEndian
                var w4 = block.loadUnaligned(fromByteOffset: 16, as: UInt32.self).bigEndian
                var w5 = block.loadUnaligned(fromByteOffset: 20, as: UInt32.self).bigEndian
                var w6 = block.loadUnaligned(fromByteOffset: 24, as: UInt32.self).bigEndian
                var w7 = block.loadUnaligned(fromByteOffset: 28, as: UInt32.self).bigEndian
                var w8 = block.loadUnaligned(fromByteOffset: 32, as: UInt32.self).bigEndian
                var w9 = block.loadUnaligned(fromByteOffset: 36, as: UInt32.self).bigEndian
                var w10 = block.loadUnaligned(fromByteOffset: 40, as: UInt32.self).bigEndian
                var w11 = block.loadUnaligned(fromByteOffset: 44, as: UInt32.self).bigEndian
                var w12 = block.loadUnaligned(fromByteOffset: 48, as: UInt32.self).bigEndian
                var w13 = block.loadUnaligned(fromByteOffset: 52, as: UInt32.self).bigEndian
                var w14 = block.loadUnaligned(fromByteOffset: 56, as: UInt32.self).bigEndian
                var w15 = block.loadUnaligned(fromByteOffset: 60, as: UInt32.self).bigEndian
                // b ^ c of the coming round; each round hands its a ^ b to the next (majority trick).
                var bXorC = b ^ c
                sha256Round(a, b, c, &d, e, f, g, &h, &bXorC, k[0] &+ w0)
                sha256Round(h, a, b, &c, d, e, f, &g, &bXorC, k[1] &+ w1)
                sha256Round(g, h, a, &b, c, d, e, &f, &bXorC, k[2] &+ w2)
                sha256Round(f, g, h, &a, b, c, d, &e, &bXorC, k[3] &+ w3)
                sha256Round(e, f, g, &h, a, b, c, &d, &bXorC, k[4] &+ w4)
                sha256Round(d, e, f, &g, h, a, b, &c, &bXorC, k[5] &+ w5)
                sha256Round(c, d, e, &f, g, h, a, &b, &bXorC, k[6] &+ w6)
                sha256Round(b, c, d, &e, f, g, h, &a, &bXorC, k[7] &+ w7)
                sha256Round(a, b, c, &d, e, f, g, &h, &bXorC, k[8] &+ w8)
                sha256Round(h, a, b, &c, d, e, f, &g, &bXorC, k[9] &+ w9)
                sha256Round(g, h, a, &b, c, d, e, &f, &bXorC, k[10] &+ w10)
                sha256Round(f, g, h, &a, b, c, d, &e, &bXorC, k[11] &+ w11)
                sha256Round(e, f, g, &h, a, b, c, &d, &bXorC, k[12] &+ w12)
                sha256Round(d, e, f, &g, h, a, b, &c, &bXorC, k[13] &+ w13)
                sha256Round(c, d, e, &f, g, h, a, &b, &bXorC, k[14] &+ w14)
                sha256Round(b, c, d, &e, f, g, h, &a, &bXorC, k[15] &+ w15)
                // Rounds 16..<64: three passes of 16, the names of a...h and w0...w15 repeat every 16.
                for pass in 1..<4 {
                    let kp = k + 16 &* pass
                    w0 = sha256Schedule(w0, w1, w9, w14)
                    sha256Round(a, b, c, &d, e, f, g, &h, &bXorC, kp[0] &+ w0)
                    w1 = sha256Schedule(w1, w2, w10, w15)
                    sha256Round(h, a, b, &c, d, e, f, &g, &bXorC, kp[1] &+ w1)
                    w2 = sha256Schedule(w2, w3, w11, w0)
                    sha256Round(g, h, a, &b, c, d, e, &f, &bXorC, kp[2] &+ w2)
                    w3 = sha256Schedule(w3, w4, w12, w1)
                    sha256Round(f, g, h, &a, b, c, d, &e, &bXorC, kp[3] &+ w3)
                    w4 = sha256Schedule(w4, w5, w13, w2)
                    sha256Round(e, f, g, &h, a, b, c, &d, &bXorC, kp[4] &+ w4)
                    w5 = sha256Schedule(w5, w6, w14, w3)
                    sha256Round(d, e, f, &g, h, a, b, &c, &bXorC, kp[5] &+ w5)
                    w6 = sha256Schedule(w6, w7, w15, w4)
                    sha256Round(c, d, e, &f, g, h, a, &b, &bXorC, kp[6] &+ w6)
                    w7 = sha256Schedule(w7, w8, w0, w5)
                    sha256Round(b, c, d, &e, f, g, h, &a, &bXorC, kp[7] &+ w7)
                    w8 = sha256Schedule(w8, w9, w1, w6)
                    sha256Round(a, b, c, &d, e, f, g, &h, &bXorC, kp[8] &+ w8)
                    w9 = sha256Schedule(w9, w10, w2, w7)
                    sha256Round(h, a, b, &c, d, e, f, &g, &bXorC, kp[9] &+ w9)
                    w10 = sha256Schedule(w10, w11, w3, w8)
                    sha256Round(g, h, a, &b, c, d, e, &f, &bXorC, kp[10] &+ w10)
                    w11 = sha256Schedule(w11, w12, w4, w9)
                    sha256Round(f, g, h, &a, b, c, d, &e, &bXorC, kp[11] &+ w11)
                    w12 = sha256Schedule(w12, w13, w5, w10)
                    sha256Round(e, f, g, &h, a, b, c, &d, &bXorC, kp[12] &+ w12)
                    w13 = sha256Schedule(w13, w14, w6, w11)
                    sha256Round(d, e, f, &g, h, a, b, &c, &bXorC, kp[13] &+ w13)
                    w14 = sha256Schedule(w14, w15, w7, w12)
                    sha256Round(c, d, e, &f, g, h, a, &b, &bXorC, kp[14] &+ w14)
                    w15 = sha256Schedule(w15, w0, w8, w13)
                    sha256Round(b, c, d, &e, f, g, h, &a, &bXorC, kp[15] &+ w15)
                }
                a = a &+ state.h0
                b = b &+ state.h1
                c = c &+ state.h2
                d = d &+ state.h3
                e = e &+ state.h4
                f = f &+ state.h5
                g = g &+ state.h6
                h = h &+ state.h7
                state = State(h0: a, h1: b, h2: c, h3: d, h4: e, h5: f, h6: g, h7: h)
                block += SHA256.blockByteCount
            }
        }
    }
}

/// One SHA-256 round: updates `d` and `h`; the caller rotates the names.
///
/// `bXorC` carries `b ^ c` in and `a ^ b` (the next round's `b ^ c`) out, so
/// that the majority function costs three operations.
@inline(__always)
private func sha256Round(
    _ a: UInt32,
    _ b: UInt32,
    _ c: UInt32,
    _ d: inout UInt32,
    _ e: UInt32,
    _ f: UInt32,
    _ g: UInt32,
    _ h: inout UInt32,
    _ bXorC: inout UInt32,
    _ constantPlusWord: UInt32
) {
    // Σ1(e) = ror6 ^ ror11 ^ ror25 and Σ0(a) = ror2 ^ ror13 ^ ror22, nested to save copies.
    let sigma1 = rotateRight(rotateRight(rotateRight(e, 14) ^ e, 5) ^ e, 6)
    let choose = g ^ (e & (f ^ g))
    let t1 = h &+ constantPlusWord &+ choose &+ sigma1
    let sigma0 = rotateRight(rotateRight(rotateRight(a, 9) ^ a, 11) ^ a, 2)
    let aXorB = a ^ b
    let majority = (aXorB & bXorC) ^ b
    bXorC = aXorB
    d = d &+ t1
    h = t1 &+ sigma0 &+ majority
}

/// The message-schedule step: W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16].
@inline(__always)
private func sha256Schedule(_ w16: UInt32, _ w15: UInt32, _ w7: UInt32, _ w2: UInt32) -> UInt32 {
    let s0 = rotateRight(rotateRight(w15, 11) ^ w15, 7) ^ (w15 >> 3)
    let s1 = rotateRight(rotateRight(w2, 2) ^ w2, 17) ^ (w2 >> 10)
    return w16 &+ s0 &+ w7 &+ s1
}

@inline(__always)
private func rotateRight(_ x: UInt32, _ n: UInt32) -> UInt32 {
    (x >> n) | (x << (32 &- n))
}
