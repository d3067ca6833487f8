import Glibc
import SystemCalls
import SystemPackage
import Testing

@Suite struct ErrnoNameTests {
    /// Messages name errnos, never numbers: every errno Linux defines has its name.
    @Test func everyLinuxErrnoHasItsName() {
        for value in Int32(1)...133 where value != 41 && value != 58 {
            let name = Errno(rawValue: value).name
            #expect(name.hasPrefix("E") && Int(name.dropFirst()) == nil, "\(value) is \(name)")
            #expect(Errno.named(name) == Errno(rawValue: value))
        }
        #expect(Errno(rawValue: 30).name == "EROFS" && Errno(rawValue: 28).name == "ENOSPC" && Errno(rawValue: 13).name == "EACCES" && Errno(rawValue: 122).name == "EDQUOT")
        #expect(Errno(rawValue: 30).nameAndMessage == "EROFS (Read-only file system)")
        #expect(Errno(rawValue: 4242).name == "E4242", "an unknown value says so")
    }
}

@Suite struct ErrnoPermissionTests {
    /// EPERM and EACCES are refusals, never "unsupported": callers ask this to tell them apart.
    @Test func onlyThePermissionErrnosArePermission() {
        #expect(Errno.notPermitted.isPermission && Errno.permissionDenied.isPermission)
        for other in [Errno.noSuchFileOrDirectory, .notSupported, .invalidArgument, .resourceBusy, .noSuchProcess] {
            #expect(!other.isPermission, "\(other.name)")
        }
    }

    /// `Errno.current` is the calling thread's errno as the failed call left it.
    @Test func currentIsWhatTheLastCallLeft() {
        #expect(close(-1) == -1)
        #expect(Errno.current == .badFileDescriptor)
    }
}
