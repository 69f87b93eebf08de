public import InferenceCore

extension ModelRegistry: ModelCatalog {
    /// The version `alias` of the model `name` points at (`latest`: the newest version). Read
    /// from the store on every call, so a server polling it sees moves made by other processes.
    ///
    /// - Throws: `MLOpsError` `notFound` for an unknown model or alias.
    public func version(of name: String, alias: String) async throws -> Int {
        try Self.target(of: alias, in: try await registeredModel(name))
    }

    /// Loads version `version` of the model `name`: reads its package bytes, checks them
    /// against the SHA-256 recorded at registration, decodes and compiles them.
    ///
    /// - Throws: `MLOpsError` `notFound` for an unknown model or version; `corruptData` when the
    ///   bytes are missing or do not match their recorded hash (or the package fails its own
    ///   checks).
    public func model(_ name: String, version: Int) async throws -> Model {
        let bytes = try await packageBytes(name, version: version)
        return try Model(bytes: bytes, format: .package, source: "version \(version) of model '\(name)'")
    }
}
