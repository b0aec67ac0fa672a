// The version `caseload --version` prints; bump it with every release.
enum CaseloadVersion {
    static let current = "0.1.0"
}
