import DataVersioning
import Deployment
import MLOpsCore
import Monitoring
import Synchronization

/// The module stores a ``Workspace`` has opened, each opened once and shared by every copy of
/// the workspace value.
final class WorkspaceModules: Sendable {
    private let tracker = Mutex<ExperimentTracker?>(nil)
    private let repository = Mutex<DataRepository?>(nil)
    private let modelRegistry = Mutex<ModelRegistry?>(nil)
    private let monitoringStore = Mutex<MonitoringStore?>(nil)

    /// The workspace's data repository, opened (and its namespace claimed) on first use.
    func data(open: @Sendable () async throws -> DataRepository) async throws -> DataRepository {
        if let existing = repository.withLock({ $0 }) { return existing }
        let opened = try await open()
        return repository.withLock { current in
            if let current { return current }
            current = opened
            return opened
        }
    }

    /// The workspace's model registry, opened (and its namespace claimed) on first use.
    func registry(open: @Sendable () async throws -> ModelRegistry) async throws -> ModelRegistry {
        if let existing = modelRegistry.withLock({ $0 }) { return existing }
        let opened = try await open()
        return modelRegistry.withLock { current in
            if let current { return current }
            current = opened
            return opened
        }
    }

    /// The workspace's monitoring store, opened (and its namespace claimed) on first use.
    func monitoring(open: @Sendable () async throws -> MonitoringStore) async throws -> MonitoringStore {
        if let existing = monitoringStore.withLock({ $0 }) { return existing }
        let opened = try await open()
        return monitoringStore.withLock { current in
            if let current { return current }
            current = opened
            return opened
        }
    }

    /// The workspace's tracker, opened (and its namespace claimed) on first use.
    func tracking(
        open: @Sendable () async throws -> ExperimentTracker
    ) async throws -> ExperimentTracker {
        if let existing = tracker.withLock({ $0 }) { return existing }
        let opened = try await open()
        // Two tasks may open at once: the first to finish wins, the other's tracker is unused.
        return tracker.withLock { current in
            if let current { return current }
            current = opened
            return opened
        }
    }

    /// The trackers opened so far, for ``Workspace/close()``.
    var openedTracker: ExperimentTracker? { tracker.withLock { $0 } }

    /// The data repository, if it was opened.
    var openedData: DataRepository? { repository.withLock { $0 } }

    /// The model registry, if it was opened.
    var openedRegistry: ModelRegistry? { modelRegistry.withLock { $0 } }

    /// The monitoring store, if it was opened.
    var openedMonitoring: MonitoringStore? { monitoringStore.withLock { $0 } }
}
