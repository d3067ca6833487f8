/// CSV in long form, one line per (row, capability), so that spreadsheets and scripts can pivot as they
/// like. RFC 4180 quoting.
public enum CSVRenderer {
    public static func render(_ matrix: CompatibilityMatrix) -> String {
        var out = "kernel,version,source,capability,observed,inferred,agreement,known_backport\n"
        for row in matrix.rows {
            for cell in row.cells {
                out += line([row.release, row.version ?? "", row.source, cell.capability, cell.observed?.rawValue ?? "",
                             cell.inferred.rawValue, cell.agreement.rawValue, cell.knownBackport ?? ""])
            }
        }
        return out
    }

    public static func render(_ audit: FleetAudit) -> String {
        var out = "kernel,distro,hosts,capability,supported,unsupported,inconclusive,skipped,missing,inferred,disagreement,disagreeing_hosts,strategies\n"
        for group in audit.groups {
            let strategies = group.strategies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
            for id in audit.capabilityOrder {
                let c = group.capabilities[id] ?? FleetAudit.StateCounts()
                let d = group.disagreements.first { $0.capability == id }
                out += line([group.release, group.distro, "\(group.hosts)", id, "\(c.supported)", "\(c.unsupported)",
                             "\(c.inconclusive)", "\(c.skipped)", "\(c.missing)", group.inferred[id]?.rawValue ?? "",
                             d?.kind.rawValue ?? "", d.map { "\($0.hosts)" } ?? "", strategies])
            }
        }
        return out
    }

    static func line(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\n"
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingAll("\"", with: "\"\"") + "\""
    }
}
