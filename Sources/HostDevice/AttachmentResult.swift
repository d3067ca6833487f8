import JSONText

/// An ADD result in the input's version: prevResult's interfaces, ours appended, then what IPAM gave (its
/// IPs pointing at ours), else what prevResult had.
enum AttachmentResult {
    static func make(_ conf: NetConf, interface: JSON, ipam: JSON?) -> JSON {
        var result: JSON = .object(["cniVersion": .string(conf.cniVersion)])
        var interfaces = conf.prevResult?["interfaces"]?.array ?? []
        let ours = interfaces.count
        interfaces.append(interface)
        result.set("interfaces", .array(interfaces))
        let source = ipam ?? conf.prevResult
        var ips = source?["ips"]?.array ?? []
        if ipam != nil { for i in ips.indices { ips[i].set("interface", .number(String(ours))) } }
        if !ips.isEmpty { result.set("ips", .array(ips)) }
        if let routes = source?["routes"] { result.set("routes", routes) }
        result.set("dns", source?["dns"] ?? .object([]))
        return result
    }
}
