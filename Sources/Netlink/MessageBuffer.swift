import CShims

/// A page-sized buffer aligned for netlink headers, owned by one socket or one encoding.
final class MessageBuffer {
    let size: Int
    let base: UnsafeMutableRawPointer

    init(size: Int = Int(lc_socket_dump_size())) {
        self.size = size
        base = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: size)
    }

    deinit { base.deallocate() }
}
