public import InferenceCore

/// Where a ``InferenceService`` implementation finds the models it serves: a model registry, or
/// a host's own catalogue.
///
/// The serving engine asks which version an alias points at (polling, to notice an alias moved
/// by another process) and loads versions by number. A catalogue verifies what it hands out:
/// a model whose stored bytes do not match their recorded hash is an error, never a model.
public protocol ModelCatalog: Sendable {
    /// The version `alias` points at for the model `name`.
    ///
    /// - Throws: `MLOpsError` `notFound` for an unknown model or alias.
    func version(of name: String, alias: String) async throws -> Int
    /// Loads version `version` of the model `name`, verified against its recorded hash.
    ///
    /// - Throws: `MLOpsError` `notFound` for an unknown model or version, `corruptData` when the
    ///   stored bytes do not match.
    func model(_ name: String, version: Int) async throws -> Model
}
