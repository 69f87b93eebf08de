import MLOpsCore

extension Workspace {
    /// The workspace's experiment tracker: experiments, runs, params, metrics and artifacts,
    /// kept in the `tracking` namespace of ``metadata`` and under `runs/` in ``objects``.
    ///
    /// Opened on first use — claiming its namespace — and shared by every copy of this
    /// workspace value, so all of a program's logging goes through one background writer.
    ///
    /// ```swift
    /// let tracker = try await workspace.tracking
    /// try await tracker.withRun(experiment: "churn") { run in
    ///     try await run.log(metric: "auc", value: 0.91)
    /// }
    /// ```
    ///
    /// In a read-only workspace (``isReadOnly``) the namespace is not claimed and only reads work.
    ///
    /// - Throws: `MLOpsError` `conflict` if another module claimed the `tracking` namespace
    ///   of this store; whatever the store throws.
    public var tracking: ExperimentTracker {
        get async throws {
            let metadata = metadata
            let objects = objects
            let readOnly = isReadOnly
            return try await modules.tracking {
                // A read-only workspace cannot record a claim; its tracker only reads.
                readOnly
                    ? ExperimentTracker(metadata: metadata, artifacts: objects)
                    : try await ExperimentTracker.open(metadata: metadata, artifacts: objects)
            }
        }
    }

    /// The workspace's data repository: versioned datasets — chunked, deduplicated, committed on
    /// branches and tags — kept in the `data` namespace of ``metadata`` and under `data/` in
    /// ``objects``.
    ///
    /// Opened on first use — claiming its namespace — and shared by every copy of this workspace
    /// value. In a read-only workspace the namespace is not claimed and only reads work.
    ///
    /// - Throws: `MLOpsError` `conflict` if another module claimed the `data` namespace; whatever
    ///   the store throws.
    public var data: DataRepository {
        get async throws {
            let metadata = metadata
            let objects = objects
            let readOnly = isReadOnly
            return try await modules.data {
                readOnly
                    ? try DataRepository.reading(metadata: metadata, blobs: objects)
                    : try await DataRepository.open(metadata: metadata, blobs: objects)
            }
        }
    }

    /// The workspace's model registry: registered models, versions, aliases, promotion gates and
    /// the audit log, kept in the `registry` namespace of ``metadata``, with model packages under
    /// `registry/packages/` in ``objects``.
    ///
    /// Opened on first use — claiming its namespace — and shared by every copy of this workspace
    /// value. In a read-only workspace the namespace is not claimed and only reads work.
    ///
    /// - Throws: `MLOpsError` `conflict` if another module claimed the `registry` namespace;
    ///   whatever the store throws.
    public var registry: ModelRegistry {
        get async throws {
            let metadata = metadata
            let objects = objects
            let readOnly = isReadOnly
            return try await modules.registry {
                readOnly
                    ? try ModelRegistry.reading(metadata: metadata, blobs: objects)
                    : try await ModelRegistry.open(metadata: metadata, blobs: objects)
            }
        }
    }

    /// The workspace's monitoring store: alerts with their evidence, kept in the `monitoring`
    /// namespace of ``metadata``. Create an `AlertEngine` on it with `engine(rules:actions:maxSeries:)`.
    ///
    /// Opened on first use — claiming its namespace — and shared by every copy of this workspace
    /// value. In a read-only workspace the namespace is not claimed and only reads work.
    ///
    /// - Throws: `MLOpsError` `conflict` if another module claimed the `monitoring` namespace;
    ///   whatever the store throws.
    public var monitoring: MonitoringStore {
        get async throws {
            let metadata = metadata
            let readOnly = isReadOnly
            return try await modules.monitoring {
                readOnly
                    ? try MonitoringStore.reading(metadata: metadata)
                    : try await MonitoringStore.open(metadata: metadata)
            }
        }
    }

    /// Bytes stored under their own SHA-256 in ``objects`` (DataVersioning's single-object
    /// layer), for hosts that want one verified object rather than a versioned dataset.
    public var contentObjects: ContentAddressedStore { ContentAddressedStore(blobs: objects) }

    /// Flushes and closes the module stores this workspace opened (today: ``tracking``).
    ///
    /// Call it before a program exits so that everything logged is stored; the workspace's
    /// record and object stores stay usable.
    ///
    /// - Throws: As `ExperimentTracker.close()`.
    public func close() async throws {
        try await modules.openedTracker?.close()
    }
}
