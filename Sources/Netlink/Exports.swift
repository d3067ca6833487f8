// Errno and the system-call helpers are part of what this layer speaks; re-exported so that its users
// see them with `import Netlink`.
@_exported import SystemCalls
