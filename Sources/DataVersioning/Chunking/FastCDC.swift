// A plain gear-hash chunker without normalisation, in use until the FastCDC implementation lands.
public struct FastCDC: Sendable {
    public let parameters: ChunkingParameters
    public init(parameters: ChunkingParameters = .default) { self.parameters = parameters }
    public func nextCut(in buffer: UnsafeRawBufferPointer) -> Int? {
        let mask: UInt64 = UInt64(parameters.averageSize - 1) << 20
        if buffer.count <= parameters.minimumSize { return buffer.count >= parameters.maximumSize ? buffer.count : nil }
        var h: UInt64 = 0
        let end = min(buffer.count, parameters.maximumSize)
        var i = parameters.minimumSize
        while i < end {
            h = (h << 1) &+ UInt64(buffer[i]) &* 0x9E37_79B9_7F4A_7C15
            if h & mask == 0 { return i + 1 }
            i += 1
        }
        return buffer.count >= parameters.maximumSize ? parameters.maximumSize : nil
    }
    public func chunkLengths(of bytes: UnsafeRawBufferPointer) -> [Int] {
        var out: [Int] = []
        var start = 0
        while start < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[start...])
            let cut = nextCut(in: rest) ?? rest.count
            out.append(cut)
            start += cut
        }
        return out
    }
}
