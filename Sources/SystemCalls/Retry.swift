import Glibc
import SystemPackage

/// The one retry on EINTR for the system calls swift-system does not wrap (netlink's sendto and recvfrom,
/// poll, flock, waitpid, ioctl): swift-system's FileDescriptor retries its own calls the same way, and
/// keeps that helper internal. A failure is thrown as its errno.
@inline(__always)
public func retryingOnInterrupt<T: BinaryInteger>(_ call: () -> T) throws(Errno) -> T {
    while true {
        let result = call()
        if result >= 0 { return result }
        let error = Errno.current
        if error != .interrupted { throw error }
    }
}

/// swift-system's calls throw untyped errors, always an Errno: this gives them their type back, so that
/// callers switch over errnos without casts.
@inline(__always)
public func withErrno<T>(_ body: () throws -> T) throws(Errno) -> T {
    do { return try body() } catch let error as Errno { throw error } catch {
        // Unreachable with swift-system's calls; a body that throws something else is reported as EIO.
        throw .ioError
    }
}
