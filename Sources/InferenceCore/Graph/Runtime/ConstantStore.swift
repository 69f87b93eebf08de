/// Owns aligned, immutable memory for constant tensors and pre-packed weights of a compiled model.
///
/// Memory is written once at compile time and only read afterwards, so sharing the store
/// between threads is safe.
final class ConstantStore: @unchecked Sendable {
    private var blocks: [UnsafeMutableRawPointer] = []

    /// A 64-byte aligned copy of `bytes` (at least one byte is allocated).
    func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer {
        let p = allocate(bytes.count)
        if let base = bytes.baseAddress, bytes.count > 0 { p.copyMemory(from: base, byteCount: bytes.count) }
        return p
    }

    /// Zeroed, 64-byte aligned memory of `byteCount` bytes owned by the store.
    func allocate(_ byteCount: Int) -> UnsafeMutableRawPointer {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(64, byteCount), alignment: 64)
        p.initializeMemory(as: UInt8.self, repeating: 0, count: max(64, byteCount))
        blocks.append(p)
        return p
    }

    /// Copies a numeric or bool tensor's elements; strings are held elsewhere.
    func copy(_ tensor: Tensor) -> UnsafeMutableRawPointer {
        switch tensor.storage {
        case .float32(let v): v.withUnsafeBytes { copy($0) }
        case .float64(let v): v.withUnsafeBytes { copy($0) }
        case .int64(let v): v.withUnsafeBytes { copy($0) }
        case .bool(let v): v.withUnsafeBytes { copy($0) }
        case .string: allocate(0)
        }
    }

    deinit {
        for p in blocks { p.deallocate() }
    }
}
