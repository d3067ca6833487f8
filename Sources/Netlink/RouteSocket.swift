import CMnl
import CShims
import Glibc
import SystemCalls
import SystemPackage

/// An rtnetlink socket. It stays bound to the network namespace of the thread that opened it, which it
/// remembers by cookie; requests are answered in that namespace only.
public final class RouteSocket {
    private let socket: OpaquePointer
    private let buffer = MessageBuffer()
    private var nextSeq: UInt32
    public let portID: UInt32
    /// SO_NETNS_COOKIE of the namespace the socket lives in (nil on kernels before 5.14).
    public let namespaceCookie: UInt64?
    /// Called with every datagram received, for captures (tests, fixtures).
    public var datagramObserver: (([UInt8]) -> Void)?

    /// Opens a socket in the calling thread's current network namespace.
    public init() throws(NetlinkError) {
        // Close-on-exec from the start: a program the caller runs (an IPAM plugin) must never inherit it.
        guard let socket = mnl_socket_open2(NETLINK_ROUTE, Int32(SOCK_CLOEXEC.rawValue)) else {
            throw NetlinkError(errno: .current, operation: "socket(NETLINK_ROUTE)")
        }
        self.socket = socket
        guard mnl_socket_bind(socket, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let error = Errno.current
            mnl_socket_close(socket)
            throw NetlinkError(errno: error, operation: "bind")
        }
        portID = mnl_socket_get_portid(socket)
        // Sequence numbers start from the clock so that a stale reply can never look like ours.
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        nextSeq = UInt32(truncatingIfNeeded: now.tv_nsec ^ now.tv_sec)
        let fd = mnl_socket_get_fd(socket)
        namespaceCookie = Self.readCookie(fd)
        var one: Int32 = 1
        // Extended ACKs carry the kernel's reason text; capped ACKs keep the error message short.
        mnl_socket_setsockopt(socket, NETLINK_EXT_ACK, &one, socklen_t(MemoryLayout<Int32>.size))
        mnl_socket_setsockopt(socket, NETLINK_CAP_ACK, &one, socklen_t(MemoryLayout<Int32>.size))
        // A request is always answered; the timeout only guards against a kernel bug hanging us forever.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { mnl_socket_close(socket) }

    public var fileDescriptor: Int32 { mnl_socket_get_fd(socket) }

    static func readCookie(_ fd: Int32) -> UInt64? {
        var cookie: UInt64 = 0
        var length = socklen_t(MemoryLayout<UInt64>.size)
        let SO_NETNS_COOKIE: Int32 = 71
        return getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &length) == 0 ? cookie : nil
    }

    // MARK: Requests

    /// Sends a link request and collects its answer: the link messages of a GET or dump; for changes, none.
    /// Throws the kernel's errno with its extended-ack text.
    @discardableResult
    public func perform(_ request: LinkRequest) throws(NetlinkError) -> [LinkMessage] {
        try exchange(request)
    }

    /// Sends any other request (addresses, routes) and waits for its acknowledgement.
    public func acknowledge(_ request: some NetlinkRequest) throws(NetlinkError) {
        _ = try exchange(request)
    }

    /// The one request/reply exchange: sequence and port checked, ACK or DONE awaited, link messages kept.
    private func exchange(_ request: some NetlinkRequest) throws(NetlinkError) -> [LinkMessage] {
        let operation = MessageType.name(request.messageType)
        nextSeq &+= 1
        let seq = nextSeq
        let length = try request.encode(seq: seq, portID: portID, into: buffer.base, capacity: buffer.size)
        do {
            _ = try retryingOnInterrupt { mnl_socket_sendto(socket, buffer.base, length) }
        } catch {
            throw NetlinkError(errno: error, operation: "\(operation) send")
        }
        var reply = Reply(seq: seq, portID: portID, isDump: request.isDump, operation: operation)
        while true {
            let received: Int
            do {
                received = try retryingOnInterrupt { mnl_socket_recvfrom(socket, buffer.base, buffer.size) }
            } catch {
                throw NetlinkError(errno: error == .resourceTemporarilyUnavailable ? .timedOut : error, operation: "\(operation) recv")
            }
            observe(received)
            if try reply.read(buffer.base, length: received) { return reply.links }
        }
    }

    /// The link with this index, or nil when there is none in this namespace.
    public func link(index: Int32) throws(NetlinkError) -> LinkMessage? {
        try lookup(.get(index: index))
    }

    /// The link with this name (IFLA_IFNAME), or nil when there is none in this namespace.
    public func link(named name: String) throws(NetlinkError) -> LinkMessage? {
        try lookup(.get(name: name))
    }

    /// The link this alternative name (IFLA_ALT_IFNAME) resolves to in this namespace, or nil.
    public func link(altName: String) throws(NetlinkError) -> LinkMessage? {
        try lookup(.get(altName: altName))
    }

    public func links() throws(NetlinkError) -> [LinkMessage] {
        try perform(.dump())
    }

    private func lookup(_ request: LinkRequest) throws(NetlinkError) -> LinkMessage? {
        do {
            return try perform(request).first
        } catch where error.errno == .operationNotSupportedByDevice { // ENODEV: no such link here
            return nil
        }
    }

    // MARK: Events

    /// Joins RTNLGRP_LINK: from now on the socket queues every link change in its namespace.
    public func subscribeToLinkEvents() throws(NetlinkError) {
        var group = UInt32(RTNLGRP_LINK.rawValue)
        guard mnl_socket_setsockopt(socket, NETLINK_ADD_MEMBERSHIP, &group, socklen_t(MemoryLayout<UInt32>.size)) == 0
        else { throw NetlinkError(errno: .current, operation: "NETLINK_ADD_MEMBERSHIP") }
        // Room for bursts: a lost event would make the recorded sequence a lie (ENOBUFS is reported).
        var size: Int32 = 1 << 20
        setsockopt(fileDescriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Link events queued now or arriving within `timeoutMilliseconds`, stopping early once `done` holds
    /// for what was collected. A timeout of 0 drains what is already queued.
    public func events(timeoutMilliseconds: Int32, until done: ([LinkMessage]) -> Bool = { _ in false })
        throws(NetlinkError) -> [LinkMessage]
    {
        var collected: [LinkMessage] = []
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let deadlineNs = Int64(deadline.tv_sec) * 1_000_000_000 + Int64(deadline.tv_nsec)
            + Int64(timeoutMilliseconds) * 1_000_000
        while true {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let nowNs = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
            let waitMs = Int32(clamping: max(0, (deadlineNs - nowNs + 999_999) / 1_000_000))
            var pfd = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
            let ready: Int32
            do { ready = try retryingOnInterrupt { poll(&pfd, 1, waitMs) } } catch {
                throw NetlinkError(errno: error, operation: "poll")
            }
            if ready == 0 { return collected }
            let received: Int
            do {
                received = try retryingOnInterrupt { mnl_socket_recvfrom(socket, buffer.base, buffer.size) }
            } catch {
                throw NetlinkError(errno: error, extack: error == .noBufferSpace ? "link events were lost" : nil,
                                   operation: "recv events")
            }
            observe(received)
            var remaining = Int32(received)
            var cursor: UnsafeMutablePointer<nlmsghdr>? = buffer.base.assumingMemoryBound(to: nlmsghdr.self)
            while let nlh = cursor, lc_nlmsg_ok(nlh, remaining) {
                if nlh.pointee.nlmsg_seq == 0, let link = LinkMessage(UnsafePointer(nlh)) { collected.append(link) }
                cursor = mnl_nlmsg_next(nlh, &remaining)
            }
            if done(collected) { return collected }
        }
    }

    private func observe(_ length: Int) {
        guard let datagramObserver else { return }
        datagramObserver(Array(UnsafeRawBufferPointer(start: buffer.base, count: length)))
    }
}

/// The replies to one request, read datagram by datagram: link messages are kept; an ACK, NLMSG_DONE or an
/// error ends it. Anything not addressed to the request (a late reply, a multicast event) is skipped.
/// Reads only within the datagram, whatever its headers claim (replies are parsed input: see the fuzz
/// targets).
public struct Reply {
    public let seq: UInt32
    public let portID: UInt32
    public let isDump: Bool
    public let operation: String
    public private(set) var links: [LinkMessage] = []

    public init(seq: UInt32, portID: UInt32, isDump: Bool, operation: String) {
        self.seq = seq
        self.portID = portID
        self.isDump = isDump
        self.operation = operation
    }

    /// Reads one datagram; true once the reply is complete, throws the kernel's error.
    public mutating func read(_ base: UnsafeMutableRawPointer, length: Int) throws(NetlinkError) -> Bool {
        var remaining = Int32(clamping: length)
        var cursor: UnsafeMutablePointer<nlmsghdr>? = base.assumingMemoryBound(to: nlmsghdr.self)
        while let nlh = cursor, lc_nlmsg_ok(nlh, remaining) {
            defer { cursor = mnl_nlmsg_next(nlh, &remaining) }
            guard nlh.pointee.nlmsg_seq == seq, nlh.pointee.nlmsg_pid == portID else { continue }
            switch Int32(nlh.pointee.nlmsg_type) {
            case NLMSG_ERROR:
                let ack = Acknowledgement(nlh)
                if let failure = ack.failure { throw NetlinkError(errno: failure, extack: ack.message, operation: operation) }
                if !isDump { return true }
            case NLMSG_DONE:
                let ack = Acknowledgement(done: nlh)
                if let failure = ack.failure { throw NetlinkError(errno: failure, extack: ack.message, operation: operation) }
                return true
            case NLMSG_NOOP, NLMSG_OVERRUN:
                continue
            default:
                if let link = LinkMessage(UnsafePointer(nlh)) { links.append(link) }
            }
        }
        return false
    }

    /// The same for a datagram held as bytes (tests, fuzzing).
    public mutating func read(_ bytes: [UInt8]) throws(NetlinkError) -> Bool {
        let buffer = MessageBuffer(size: max(bytes.count, 16))
        bytes.withUnsafeBytes { if let base = $0.baseAddress { buffer.base.copyMemory(from: base, byteCount: bytes.count) } }
        return try read(buffer.base, length: bytes.count)
    }
}

/// The payload of NLMSG_ERROR / NLMSG_DONE: an errno (0 for an ACK) and the extended-ack message text.
struct Acknowledgement {
    var errno: Int32 = 0
    var message: String?

    /// The kernel's negative errno as an Errno; nil for an ACK. A value that cannot be negated is EPROTO.
    var failure: Errno? { errno == 0 ? nil : Errno(rawValue: errno == Int32.min ? Errno.protocolError.rawValue : -errno) }

    init(_ nlh: UnsafeMutablePointer<nlmsghdr>) {
        let payloadLength = Int(nlh.pointee.nlmsg_len) - MemoryLayout<nlmsghdr>.size
        guard let payload = mnl_nlmsg_get_payload(nlh), payloadLength >= MemoryLayout<nlmsgerr>.size
        else { errno = -Errno.protocolError.rawValue; return }
        let error = payload.assumingMemoryBound(to: nlmsgerr.self)
        errno = error.pointee.error
        guard nlh.pointee.nlmsg_flags & UInt16(NLM_F_ACK_TLVS) != 0 else { return }
        // Without NLM_F_CAPPED the kernel echoes the whole request after the error header.
        var offset = MemoryLayout<nlmsgerr>.size
        if nlh.pointee.nlmsg_flags & UInt16(NLM_F_CAPPED) == 0 {
            let echoed = Int(error.pointee.msg.nlmsg_len) - MemoryLayout<nlmsghdr>.size
            guard echoed >= 0 else { return }
            offset += echoed
        }
        let aligned = Int(lc_nlmsg_align(offset))
        guard aligned <= payloadLength else { return }
        message = Self.extackMessage(nlh, offset: aligned)
    }

    init(done nlh: UnsafeMutablePointer<nlmsghdr>) {
        guard Int(nlh.pointee.nlmsg_len) >= MemoryLayout<nlmsghdr>.size + 4,
              let payload = mnl_nlmsg_get_payload(nlh) else { return }
        errno = payload.loadUnaligned(as: Int32.self)
        if nlh.pointee.nlmsg_flags & UInt16(NLM_F_ACK_TLVS) != 0 {
            message = Self.extackMessage(nlh, offset: 4)
        }
    }

    private static func extackMessage(_ nlh: UnsafeMutablePointer<nlmsghdr>, offset: Int) -> String? {
        var attr = lc_attr_first(nlh, offset)
        while let current = attr, lc_attr_valid(current, nlh) {
            if Int(lc_attr_type(current)) == Int(NLMSGERR_ATTR_MSG.rawValue) {
                // Bounded by the attribute's length: a text without its NUL must not be read past.
                return LinkMessage.string(current)
            }
            attr = mnl_attr_next(current)
        }
        return nil
    }
}
