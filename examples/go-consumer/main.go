// Command go-consumer reads linkcaps' answers the way a CNI plugin written in Go would: it asks
// `linkcaps probe --json` (answered from the per-boot cache) and `linkcaps plan --json`, decodes them into
// Go structs, refuses other schema versions, keeps capability ids it does not know, treats states it does
// not know as "not known to hold", and refuses a plan with a step it could not carry out. Only the
// standard library. See docs/contract.md.
//
//	go-consumer report FILE|-            decode a report, print what a plugin would conclude
//	go-consumer plan FILE|- [REPORT]     decode a plan; with REPORT, check an automatic inbound plan
//	                                     chose what the report implies
//	go-consumer live LINKCAPS [--device D --netns P --name N]
//	                                     ask the live CLI for the report, and for the plan when a device is given
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
)

// SchemaVersion is the report and plan format this consumer was written for.
const SchemaVersion = 1

// The capability ids this consumer was written against. Newer linkcaps versions add ids; they are kept.
var knownIDs = []string{
	"move.singleRequest", "move.sourceSeesOnlyOriginalName", "move.targetSeesFinalNameFirst",
	"move.inFlightRenameOnClash", "move.atomicOnNameTaken", "move.upInSameRequest", "rename.whileUp",
	"altname.followsMove", "altname.clashRejected", "move.newIfindex",
	"move.sourceSeesOnlyOriginalNameOnClash", "move.netnsImmutableReported", "move.mtuMacInSameRequest",
}

var idShape = regexp.MustCompile(`^[a-z]+\.[A-Za-z]+$`)

// The states of schemaVersion 1. A state outside these is read as "not known to hold", never as supported.
var knownStates = map[string]bool{"supported": true, "unsupported": true, "inconclusive": true, "skipped": true}

type Report struct {
	SchemaVersion int `json:"schemaVersion"`
	Tool          struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"tool"`
	Kernel struct {
		Release string `json:"release"`
		Version string `json:"version"`
	} `json:"kernel"`
	BootID string `json:"bootId"`
	Probe  struct {
		ID         string `json:"id"`
		StartedAt  string `json:"startedAt"`
		Privileged bool   `json:"privileged"`
	} `json:"probe"`
	Capabilities map[string]Capability `json:"capabilities"`
	Source       string                `json:"source"`
}

type Capability struct {
	State    string          `json:"state"`
	Summary  string          `json:"summary"`
	Evidence json.RawMessage `json:"evidence"`
}

// Holds is true only for a capability seen to work: missing, inconclusive, skipped and unknown states are not.
func (r *Report) Holds(id string) bool {
	c, ok := r.Capabilities[id]
	return ok && c.State == "supported"
}

// InboundStrategy is the decision a plugin makes from the report when nothing clashes: one request when
// the kernel was seen to move and rename at once and the host was seen to keep only the original name.
func (r *Report) InboundStrategy() string {
	if r.Holds("move.singleRequest") && r.Holds("move.sourceSeesOnlyOriginalName") {
		return "single-request"
	}
	return "scratch-namespace"
}

func decodeReport(data []byte) (*Report, error) {
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("not a report: %w", err)
	}
	if r.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("report schemaVersion %d: this consumer reads %d", r.SchemaVersion, SchemaVersion)
	}
	if r.Kernel.Release == "" || len(r.Capabilities) == 0 {
		return nil, errors.New("not a report: no kernel release or no capabilities")
	}
	for id := range r.Capabilities {
		if !idShape.MatchString(id) {
			return nil, fmt.Errorf("capability id %q is not of the form family.name", id)
		}
	}
	return &r, nil
}

func describeReport(r *Report) string {
	known := map[string]bool{}
	for _, id := range knownIDs {
		known[id] = true
	}
	var unknownIDs, unknownStates []string
	supported := 0
	for id, c := range r.Capabilities {
		if !known[id] {
			unknownIDs = append(unknownIDs, id)
		}
		if !knownStates[c.State] {
			unknownStates = append(unknownStates, id+"="+c.State)
		}
		if c.State == "supported" {
			supported++
		}
	}
	sort.Strings(unknownIDs)
	sort.Strings(unknownStates)
	return fmt.Sprintf("report kernel=%s source=%s capabilities=%d supported=%d unknown-ids=[%s] unknown-states=[%s] strategy=%s",
		r.Kernel.Release, r.Source, len(r.Capabilities), supported, strings.Join(unknownIDs, ","),
		strings.Join(unknownStates, ","), r.InboundStrategy())
}

type Plan struct {
	SchemaVersion int               `json:"schemaVersion"`
	Strategy      string            `json:"strategy"`
	Direction     string            `json:"direction"`
	Forced        bool              `json:"forced"`
	RawSteps      []json.RawMessage `json:"steps"`
	Steps         []Step            `json:"-"`
	Views         []struct {
		Namespace string   `json:"namespace"`
		Names     []string `json:"names"`
	} `json:"views"`
	Reasons  []string `json:"reasons"`
	Hazards  []string `json:"hazards"`
	Recovery *string  `json:"recovery"`
	HostName string   `json:"hostName"`
}

// Step is one RTM_NEWLINK on the device, sent in the namespace it is in. Decoded strictly: a field this
// consumer does not know would be a request it would not send, so the plan is refused instead.
type Step struct {
	RunsIn         string   `json:"runsIn"`
	MoveTo         *string  `json:"moveTo"`
	Name           *string  `json:"name"`
	Alias          *string  `json:"alias"`
	Up             *bool    `json:"up"`
	MTU            *uint32  `json:"mtu"`
	MAC            *string  `json:"mac"`
	RemoveAltNames []string `json:"removeAltNames"`
	AddAltNames    []string `json:"addAltNames"`
	Purpose        string   `json:"purpose"`
}

var roles = map[string]bool{"host": true, "container": true, "scratch": true}
var strategies = map[string]bool{"single-request": true, "rename-in-container-then-move": true,
	"scratch-namespace": true, "rename-then-move": true, "move-then-rename": true}

func decodePlan(data []byte) (*Plan, error) {
	var p Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("not a plan: %w", err)
	}
	if p.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("plan schemaVersion %d: this consumer reads %d", p.SchemaVersion, SchemaVersion)
	}
	if !strategies[p.Strategy] || (p.Direction != "in" && p.Direction != "out") || len(p.RawSteps) == 0 {
		return nil, fmt.Errorf("plan with strategy %q, direction %q and %d steps: refused", p.Strategy, p.Direction, len(p.RawSteps))
	}
	for i, raw := range p.RawSteps {
		decoder := json.NewDecoder(bytes.NewReader(raw))
		decoder.DisallowUnknownFields()
		var s Step
		if err := decoder.Decode(&s); err != nil {
			return nil, fmt.Errorf("step %d cannot be carried out by this consumer: %w", i+1, err)
		}
		if !roles[s.RunsIn] || (s.MoveTo != nil && !roles[*s.MoveTo]) {
			return nil, fmt.Errorf("step %d names a namespace this consumer does not have: refused", i+1)
		}
		p.Steps = append(p.Steps, s)
	}
	return &p, nil
}

// request is the netlink request a Go plugin would send for the step.
func (s Step) request() string {
	parts := []string{"in " + s.RunsIn + ":"}
	for _, name := range s.RemoveAltNames {
		parts = append(parts, "RTM_DELLINKPROP "+name+";")
	}
	parts = append(parts, "RTM_NEWLINK")
	if s.MoveTo != nil {
		parts = append(parts, "netns="+*s.MoveTo)
	}
	if s.Name != nil {
		parts = append(parts, "name="+*s.Name)
	}
	if s.Alias != nil {
		parts = append(parts, fmt.Sprintf("alias=%q", *s.Alias))
	}
	if s.MTU != nil {
		parts = append(parts, fmt.Sprintf("mtu=%d", *s.MTU))
	}
	if s.MAC != nil {
		parts = append(parts, "mac="+*s.MAC)
	}
	if s.Up != nil {
		parts = append(parts, fmt.Sprintf("up=%t", *s.Up))
	}
	for _, name := range s.AddAltNames {
		parts = append(parts, "; RTM_NEWLINKPROP "+name)
	}
	return strings.Join(parts, " ")
}

// keepsHostName: the host sees no name but the device's own.
func (p *Plan) keepsHostName() bool {
	for _, v := range p.Views {
		if v.Namespace != "host" {
			continue
		}
		for _, n := range v.Names {
			if n != p.HostName {
				return false
			}
		}
	}
	return true
}

func describePlan(p *Plan) string {
	kept := "kept"
	if !p.keepsHostName() {
		kept = "BROKEN"
	}
	lines := []string{fmt.Sprintf("plan strategy=%s direction=%s forced=%t steps=%d host-name=%s", p.Strategy,
		p.Direction, p.Forced, len(p.Steps), kept)}
	for i, s := range p.Steps {
		lines = append(lines, fmt.Sprintf("  %d. %s", i+1, s.request()))
	}
	return strings.Join(lines, "\n")
}

// checkAgainst: an automatic inbound plan must use the strategy the report implies, and keep the host's name.
func checkAgainst(p *Plan, r *Report) error {
	if p.Direction == "in" && !p.Forced && p.Strategy != r.InboundStrategy() {
		return fmt.Errorf("plan chose %s, the report implies %s", p.Strategy, r.InboundStrategy())
	}
	if !p.Forced && !p.keepsHostName() {
		return errors.New("an automatic plan shows the host a foreign name")
	}
	return nil
}

func read(path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(io.LimitReader(os.Stdin, 16<<20))
	}
	return os.ReadFile(path)
}

type failure struct {
	status int
	err    error
}

// ask runs linkcaps; its own failures (no privilege: exit 2) are passed on as exit 2.
func ask(linkcaps string, args ...string) ([]byte, *failure) {
	var stderr bytes.Buffer
	cmd := exec.Command(linkcaps, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, &failure{2, fmt.Errorf("%s %s: %v: %s", linkcaps, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))}
	}
	return out, nil
}

func loadReport(path string) (*Report, *failure) {
	data, err := read(path)
	if err == nil {
		var r *Report
		if r, err = decodeReport(data); err == nil {
			return r, nil
		}
	}
	return nil, &failure{1, err}
}

func loadPlan(data []byte, err error) (*Plan, *failure) {
	if err == nil {
		var p *Plan
		if p, err = decodePlan(data); err == nil {
			return p, nil
		}
	}
	return nil, &failure{1, err}
}

// agree prints the plan and checks it against the report.
func agree(p *Plan, r *Report) *failure {
	fmt.Println(describePlan(p))
	if r == nil {
		return nil
	}
	if err := checkAgainst(p, r); err != nil {
		return &failure{1, err}
	}
	fmt.Println("plan agrees with the report")
	return nil
}

func run(args []string) *failure {
	if len(args) < 2 {
		return &failure{64, errors.New("usage: go-consumer report FILE | plan FILE [REPORT] | live LINKCAPS [--device D --netns P --name N]")}
	}
	switch args[0] {
	case "report":
		r, f := loadReport(args[1])
		if f != nil {
			return f
		}
		fmt.Println(describeReport(r))
	case "plan":
		p, f := loadPlan(read(args[1]))
		if f != nil {
			return f
		}
		var r *Report
		if len(args) > 2 {
			if r, f = loadReport(args[2]); f != nil {
				return f
			}
		}
		return agree(p, r)
	case "live":
		linkcaps := args[1]
		data, f := ask(linkcaps, "probe", "--json")
		if f != nil {
			return f
		}
		r, err := decodeReport(data)
		if err != nil {
			return &failure{1, err}
		}
		fmt.Println(describeReport(r))
		options := map[string]string{}
		for i := 2; i+1 < len(args); i += 2 {
			options[args[i]] = args[i+1]
		}
		if options["--device"] == "" {
			return nil
		}
		if data, f = ask(linkcaps, "plan", "--json", "--device", options["--device"], "--netns", options["--netns"], "--name", options["--name"]); f != nil {
			return f
		}
		p, f := loadPlan(data, nil)
		if f != nil {
			return f
		}
		return agree(p, r)
	default:
		return &failure{64, fmt.Errorf("unknown command %q", args[0])}
	}
	return nil
}

func main() {
	if f := run(os.Args[1:]); f != nil {
		fmt.Fprintln(os.Stderr, "go-consumer:", f.err)
		os.Exit(f.status)
	}
}
