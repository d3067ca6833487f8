import Netlink

/// Encodes a request as RouteSocket would before sending it. Where encoding can refuse (a name too long
/// for its attribute), the refusal is an answer; writing past the buffer is an ASan report.
public func encodeAsSent(_ request: some NetlinkRequest) {
    _ = try? request.encoded(seq: 1)
}
