import LotteryCore

extension WireMessage {
    /// `HELLO`, worker → coordinator: who the worker is and what it can run.
    public struct Hello: Hashable, Sendable, Codable {
        /// The worker's name for logs and the journal (not necessarily unique).
        public var worker: String
        /// The machine it runs on (may be empty).
        public var host: String
        /// Trials it runs at once.
        public var slots: Int
        /// BLAS threads per trial.
        public var threads: Int
        /// The datasets it holds, by name, each with its fingerprint (the SHA-256 of its
        /// files, see docs/PROTOCOL.md).
        public var datasets: [String: SHA256Digest]
        /// Each dataset's files, by dataset name: file name → SHA-256 of the file's
        /// decompressed bytes, so that the coordinator can say which file differs. Nil
        /// from a worker that reports only `datasets` (the field is optional in version 1).
        public var files: [String: [String: SHA256Digest]]?
        /// Trials it is still running from leases given before this `HELLO` (after the
        /// coordinator restarted); empty on a fresh start.
        public var running: [Lease]

        public init(worker: String, host: String, slots: Int, threads: Int,
                    datasets: [String: SHA256Digest], files: [String: [String: SHA256Digest]]? = nil,
                    running: [Lease] = []) {
            self.worker = worker
            self.host = host
            self.slots = slots
            self.threads = threads
            self.datasets = datasets
            self.files = files
            self.running = running
        }

        /// Announces `fingerprints` (dataset name → its digests): the combined digests in
        /// `datasets`, the files' in `files`. A digest that is not 64 hex digits is left out.
        public init(worker: String, host: String, slots: Int, threads: Int,
                    fingerprints: [String: DatasetFingerprint], running: [Lease] = []) {
            var datasets: [String: SHA256Digest] = [:]
            var files: [String: [String: SHA256Digest]] = [:]
            for (name, fingerprint) in fingerprints {
                guard let combined = SHA256Digest(hex: fingerprint.combined) else { continue }
                datasets[name] = combined
                let digests = fingerprint.files.compactMapValues { SHA256Digest(hex: $0) }
                if !digests.isEmpty { files[name] = digests }
            }
            self.init(worker: worker, host: host, slots: slots, threads: threads, datasets: datasets,
                      files: files.isEmpty ? nil : files, running: running)
        }

        /// What the worker says about dataset `name`: nil when it does not hold it; the
        /// files empty when it does not report them.
        public func fingerprint(of name: String) -> DatasetFingerprint? {
            guard let combined = datasets[name] else { return nil }
            return DatasetFingerprint(combined: combined.hex, files: (files?[name] ?? [:]).mapValues(\.hex))
        }
    }

    /// A lease a worker holds: the lease id and the attempt it is for.
    public struct Lease: Hashable, Sendable, Codable {
        public var lease: String
        public var trial: String
        public var attempt: Int

        public init(lease: String, trial: String, attempt: Int) {
            self.lease = lease
            self.trial = trial
            self.attempt = attempt
        }

        public var trialAttempt: TrialAttempt { TrialAttempt(trial: trial, attempt: attempt) }
    }
}

extension WireMessage.Hello: CheckedHeader {
    init(header: JSONFields) throws(DecodeError) {
        worker = try header.string("worker")
        host = try header.string("host")
        slots = try header.int("slots")
        threads = try header.int("threads")
        let listed = try header.fields("datasets")
        datasets = [:]
        for member in listed.object.members where datasets[member.key] == nil {  // the first of a repeated key
            datasets[member.key] = try JSONRead.digest(member.value, listed.path, listed.path.describing(member.key))
        }
        if let listedFiles = try header.optionalFields("files") {
            var files: [String: [String: SHA256Digest]] = [:]
            for member in listedFiles.object.members where files[member.key] == nil {
                let dataset = try JSONRead.object(member.value, listedFiles.path.child(member.key))
                var digests: [String: SHA256Digest] = [:]
                for file in dataset.object.members where digests[file.key] == nil {
                    digests[file.key] = try JSONRead.digest(file.value, dataset.path, dataset.path.describing(file.key))
                }
                files[member.key] = digests
            }
            self.files = files
        } else {
            files = nil
        }
        let (elements, path) = try header.array("running")
        running = []
        for (index, element) in elements.enumerated() {
            let lease = try JSONRead.object(element, path.element(index))
            running.append(WireMessage.Lease(lease: try lease.string("lease"), trial: try lease.string("trial"),
                                             attempt: try lease.int("attempt")))
        }
    }

    func writeHeader(to writer: inout JSONWriter) {
        writer.key("datasets")
        writer.beginObject()
        for (name, digest) in JSONWriter.sortedMembers(datasets) {
            writer.key(name)
            writer.string(digest.hex)
        }
        writer.endObject()
        if let files {
            writer.key("files")
            writer.beginObject()
            for (name, digests) in JSONWriter.sortedMembers(files) {
                writer.key(name)
                writer.beginObject()
                for (file, digest) in JSONWriter.sortedMembers(digests) {
                    writer.key(file)
                    writer.string(digest.hex)
                }
                writer.endObject()
            }
            writer.endObject()
        }
        writer.key("host")
        writer.string(host)
        writer.key("running")
        writer.beginArray()
        for lease in running {
            writer.beginObject()
            writer.key("attempt")
            writer.int(lease.attempt)
            writer.key("lease")
            writer.string(lease.lease)
            writer.key("trial")
            writer.string(lease.trial)
            writer.endObject()
        }
        writer.endArray()
        writer.key("slots")
        writer.int(slots)
        writer.key("threads")
        writer.int(threads)
        writer.version()
        writer.key("worker")
        writer.string(worker)
    }

    func validate(_ check: FieldCheck) throws(DecodeError) {
        try check.identifier(worker, "worker")
        try check.identifier(host, "host", allowEmpty: true)
        try check.range(slots, 1 ... 1024, "slots")
        try check.range(threads, 1 ... 1024, "threads")
        try check.count(datasets.count, "datasets")
        for name in datasets.keys { try check.identifier(name, "datasets key") }
        if let files {
            try check.count(files.count, "files")
            for (name, digests) in files {
                try check.identifier(name, "files key")
                try check.count(digests.count, "files.\(name)")
                for file in digests.keys { try check.identifier(file, "files.\(name) key") }
            }
        }
        try check.count(running.count, "running")
        for (index, lease) in running.enumerated() {
            try check.attempt(lease.trialAttempt, lease: lease.lease, prefix: "running[\(index)].")
        }
    }
}
