import MLOpsCore

/// Per-thread packing buffers for SGEMM, kept for the life of the thread.
///
/// The kernels pack panels of A and B before multiplying; allocating those buffers on every call would put
/// `malloc`/`mmap` on the hot path. Each thread instead keeps two growable, 64-byte-aligned buffers that it
/// reuses; after the first call with the largest shape, SGEMM allocates nothing. The buffers are freed by a
/// thread-specific-data destructor when the thread exits.
///
/// A buffer is only ever used by its own thread, except that the B buffer of a thread running a parallel
/// SGEMM is filled and read by the pool's workers while that thread waits inside the same call.
final class ScratchBuffer {
    private var aStorage: UnsafeMutableRawPointer?
    private var aCapacity = 0
    private var bStorage: UnsafeMutableRawPointer?
    private var bCapacity = 0

    private init() {}

    deinit {
        aStorage?.deallocate()
        bStorage?.deallocate()
    }

    /// The calling thread's buffers, created on first use.
    static func current() -> ScratchBuffer {
        if let buffer = scratchBuffers.value { return buffer }
        let buffer = ScratchBuffer()
        scratchBuffers.set(buffer)
        return buffer
    }

    /// A buffer for at least `count` floats used to pack A panels.
    func a(count: Int) -> UnsafeMutablePointer<Float> {
        if aCapacity < count || aStorage == nil {
            aStorage?.deallocate()
            aStorage = Self.allocate(count)
            aCapacity = count
        }
        // The storage is allocated with `allocate(_:)`, 64-byte aligned and sized for `count` floats.
        return aStorage.unsafelyUnwrapped.assumingMemoryBound(to: Float.self)
    }

    /// A buffer for at least `count` floats used to pack B panels.
    func b(count: Int) -> UnsafeMutablePointer<Float> {
        if bCapacity < count || bStorage == nil {
            bStorage?.deallocate()
            bStorage = Self.allocate(count)
            bCapacity = count
        }
        return bStorage.unsafelyUnwrapped.assumingMemoryBound(to: Float.self)
    }

    private static func allocate(_ count: Int) -> UnsafeMutableRawPointer {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 16) * 4, alignment: 64)
        raw.initializeMemory(as: Float.self, repeating: 0, count: max(count, 16))
        return raw
    }
}

/// Each thread's ``ScratchBuffer``, released when the thread exits.
private let scratchBuffers = Platform.ThreadLocalObject<ScratchBuffer>()
