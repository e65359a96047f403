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
        /// Trials it is still running from leases given before this `HELLO` (after the
        /// coordinator restarted); empty on a fresh start.
        public var running: [Lease]

        public init(worker: String, host: String, slots: Int, threads: Int,
                    datasets: [String: SHA256Digest], running: [Lease] = []) {
            self.worker = worker
            self.host = host
            self.slots = slots
            self.threads = threads
            self.datasets = datasets
            self.running = running
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
        try check.count(running.count, "running")
        for (index, lease) in running.enumerated() {
            try check.attempt(lease.trialAttempt, lease: lease.lease, prefix: "running[\(index)].")
        }
    }
}
