import Synchronization

/// Experiment IDs by name, for experiments this tracker has seen active, so
/// that starting a run does not read the experiment every time.
final class ExperimentCache: Sendable {
    private let ids = Mutex<[String: String]>([:])

    func id(named name: String) -> String? { ids.withLock { $0[name] } }
    func contains(id: String) -> Bool { ids.withLock { $0.values.contains(id) } }
    func remember(_ name: String, id: String) { ids.withLock { $0[name] = id } }
    func forget(id: String) { ids.withLock { $0 = $0.filter { $0.value != id } } }
}

/// Environments by ID, for turning run records into runs without a read per run.
final class EnvironmentCache: Sendable {
    private let environments = Mutex<[String: RunEnvironment]>([:])

    func environment(id: String) -> RunEnvironment? { environments.withLock { $0[id] } }

    func remember(_ stored: StoredEnvironment, as id: String? = nil) {
        environments.withLock { cache in
            if cache.count > 256 { cache.removeAll() }
            cache[id ?? stored.id] = stored.environment
        }
    }
}
