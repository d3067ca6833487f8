/// The capability ids of the report format. Their raw values are part of the schema: never rename one.
public enum CapabilityID: String, CaseIterable, Codable, Sendable, Comparable {
    case moveSingleRequest = "move.singleRequest"
    case moveSourceSeesOnlyOriginalName = "move.sourceSeesOnlyOriginalName"
    case moveTargetSeesFinalNameFirst = "move.targetSeesFinalNameFirst"
    case moveInFlightRenameOnClash = "move.inFlightRenameOnClash"
    case moveAtomicOnNameTaken = "move.atomicOnNameTaken"
    case moveUpInSameRequest = "move.upInSameRequest"
    case renameWhileUp = "rename.whileUp"
    case altnameFollowsMove = "altname.followsMove"
    case altnameClashRejected = "altname.clashRejected"
    case moveNewIfindex = "move.newIfindex"
    case moveSourceSeesOnlyOriginalNameOnClash = "move.sourceSeesOnlyOriginalNameOnClash"
    case moveNetnsImmutableReported = "move.netnsImmutableReported"
    case moveMtuMacInSameRequest = "move.mtuMacInSameRequest"

    public static func < (lhs: CapabilityID, rhs: CapabilityID) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// How an experiment concluded. `inconclusive` is a real answer ("we could not tell"), never a polite
/// "unsupported": a missing privilege or an unexpected errno ends there.
public enum CapabilityState: String, Codable, CaseIterable, Sendable {
    case supported, unsupported, inconclusive, skipped

    /// Only these may be reused from a cache: they describe the kernel, not the circumstances.
    public var isConclusive: Bool { self == .supported || self == .unsupported }
}
