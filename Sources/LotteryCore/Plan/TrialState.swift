/// Where a trial is in its life: what the journal records and the scheduler tracks.
/// The raw values are what the journal stores.
public enum TrialState: String, Sendable, Codable, CaseIterable {
    case pending, running, done, failed, skipped
}
