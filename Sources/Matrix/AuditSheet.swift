import Capabilities

extension FleetAudit {
    /// One row per group; a capability cell is the share of hosts that support it ("100%", "37%", "0%").
    public func sheet(catalogue: Catalogue) -> Sheet {
        var columns = [Sheet.Column(name: "kernel", detail: "uname -r", short: nil),
                       Sheet.Column(name: "distro", detail: "os-release ID VERSION_ID", short: nil),
                       Sheet.Column(name: "hosts", detail: "reports in the group", short: nil),
                       Sheet.Column(name: "strategy", detail: "Strategy.preferredInbound per host", short: nil),
                       Sheet.Column(name: "inconclusive", detail: "hosts with an inconclusive capability", short: nil)]
        for (i, id) in capabilityOrder.enumerated() {
            let entry = CapabilityID(rawValue: id).flatMap(catalogue.entry)
            columns.append(.init(name: id, detail: [entry?.title, entry?.meaning].compactMap { $0 }.joined(separator: " — "),
                                 short: "\(i + 1)"))
        }
        let grid = groups.map { group -> [Sheet.Cell] in
            let strategies = group.strategies.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            var cells = [Sheet.Cell(group.release, detail: group.kernelVersion.map { "inference uses \($0)" } ?? ""),
                         Sheet.Cell(group.distro), Sheet.Cell("\(group.hosts)"),
                         Sheet.Cell(strategies.map { group.strategies.count > 1 ? "\($0.key) \($0.value)" : $0.key }
                                        .joined(separator: ", ")),
                         Sheet.Cell("\(group.inconclusiveHosts)", group.inconclusiveHosts > 0 ? .unknown : .plain,
                                    detail: group.inconclusiveExamples.joined(separator: "; "))]
            for id in capabilityOrder {
                cells.append(Self.cell(group, id))
            }
            return cells
        }
        var sections: [Sheet.Section] = []
        let disagreements = groups.flatMap { group in
            group.disagreements.map { d in
                "\(group.release) / \(group.distro): \(d.capability) inferred \(d.inferred.rawValue), \(d.hosts) host(s) disagree → \(d.kind.rawValue)"
                    + (d.knownBackport.map { " (known backport: \($0))" } ?? "")
            }
        }
        sections.append(.init(title: "Observation vs inference", lines: disagreements.isEmpty ? ["none"] : disagreements))
        let inconclusive = groups.filter { $0.inconclusiveHosts > 0 }.map { group in
            "\(group.release) / \(group.distro): \(group.inconclusiveHosts) host(s), e.g. "
                + group.inconclusiveExamples.joined(separator: "; ")
        }
        sections.append(.init(title: "Inconclusive hosts", lines: inconclusive.isEmpty ? ["none"] : inconclusive))
        var malformedLines = malformed.map { "\($0.source): \($0.reason)" }
        if malformedCount > malformed.count { malformedLines.append("… and \(malformedCount - malformed.count) more") }
        sections.append(.init(title: "Malformed reports (\(malformedCount))", lines: malformedLines.isEmpty ? ["none"] : malformedLines))
        if let nodes {
            var lines = nodes.named.map { "\($0.source): \($0.reason)" }
            let more = nodes.unlabelled + nodes.stale - nodes.named.count
            if more > 0 { lines.append("… and \(more) more") }
            sections.append(.init(title: "Nodes without a current answer (\(nodes.unlabelled) unlabelled, \(nodes.stale) stale)",
                                  lines: lines.isEmpty ? ["none"] : lines))
        }
        if !unknownCapabilities.isEmpty {
            sections.append(.init(title: "Unknown capability ids (kept, not audited)",
                                  lines: unknownCapabilities.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value) report(s)" }))
        }
        var summary = ["\(reports) report(s): \(hosts) host(s) in \(groups.count) group(s), \(malformedCount) malformed"]
        if let nodes { summary.append("\(nodes.listed) node(s) listed: \(nodes.unlabelled) without labels, \(nodes.stale) stale") }
        if hostsInOverflowGroup > 0 { summary.append("\(hostsInOverflowGroup) host(s) beyond the group cap are in (other)") }
        return Sheet(title: "linkcaps fleet audit", summary: summary, columns: columns, rows: grid, sections: sections,
                     legend: ["N%: share of the group's hosts seen supporting it", "!: some hosts disagree with the version inference",
                              "?: no host gave a conclusive answer"])
    }

    static func cell(_ group: Group, _ id: String) -> Sheet.Cell {
        let counts = group.capabilities[id] ?? StateCounts()
        let conclusive = counts.supported + counts.unsupported
        let disagreement = group.disagreements.first { $0.capability == id }
        var detail = "supported \(counts.supported), unsupported \(counts.unsupported), inconclusive \(counts.inconclusive), "
            + "skipped \(counts.skipped), missing \(counts.missing); inferred \(group.inferred[id]?.rawValue ?? "unknown")"
        if let d = disagreement {
            detail += "; \(d.hosts) host(s) disagree → \(d.kind.rawValue)" + (d.knownBackport.map { " (known backport: \($0))" } ?? "")
        }
        let mark = disagreement == nil ? "" : "!"
        guard conclusive > 0 else { return Sheet.Cell("?" + mark, .unknown, detail: detail, marked: !mark.isEmpty) }
        // Rounded down so that "100%" always means every conclusive host.
        let percent = counts.supported * 100 / conclusive
        let tone: Sheet.Tone = counts.unsupported == 0 ? .good : counts.supported == 0 ? .bad : .mixed
        return Sheet.Cell("\(percent)%" + mark, tone, detail: detail, marked: !mark.isEmpty, level: percent)
    }
}
