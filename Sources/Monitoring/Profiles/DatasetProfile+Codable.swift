/// `Codable` through the binary form, so a profile can be stored wherever `Codable` values go.
extension DatasetProfile: Codable {
    /// Decodes a profile encoded by ``encode(to:)``: its ``serialized()`` bytes as an array of bytes.
    ///
    /// - Throws: `DecodingError.dataCorrupted` when the bytes are not a valid profile.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let bytes = try container.decode([UInt8].self)
        do {
            try self.init(serialized: bytes)
        } catch {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not a valid profile: \(error)")
        }
    }

    /// Encodes the profile's ``serialized()`` bytes as an array of bytes.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(serialized())
    }
}
