package checks

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/netlab/netlab/internal/lazy"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// SysctlKind: a net.* sysctl has a value in ns.
func SysctlKind() *Kind { return sysctlKind.Get(newSysctlKind) }

var sysctlKind lazy.Value[*Kind]

func newSysctlKind() *Kind {
	return Define(Spec[sysctlParams]{
		Name:  "sysctl",
		Doc:   "the net.* sysctl key has value in ns (each namespace has its own net.* settings)",
		Phase: PhaseState,
		Build: func(p sysctlParams) (Check, error) {
			if p.NS == "*" {
				return nil, fieldErr("ns", "sysctl needs one namespace")
			}
			if !strings.HasPrefix(p.Key, "net.") {
				return nil, fieldErr("key", "%q: netlab checks net.* keys only", p.Key)
			}
			return sysctlCheck{ns: p.NS, key: p.Key, value: p.Value}, nil
		},
		Mistakes: sysctlMistakes(),
		Cases: func() []Case[sysctlParams] {
			return []Case[sysctlParams]{
				{Name: "forwarding off", Fixture: "veth-pair-forwarding", Params: sysctlParams{NS: "ns0", Key: "net.ipv4.ip_forward", Value: "1"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Sysctls["net.ipv4.ip_forward"] = "0" }, Mistake: "ip-forward-off"},
				{Name: "a key with no meaning of its own", Fixture: "veth-pair", Params: sysctlParams{NS: "ns0", Key: "net.ipv4.conf.all.rp_filter", Value: "0"},
					Break: func(f *kerneltest.Fake) { f.NSs["ns0"].Sysctls["net.ipv4.conf.all.rp_filter"] = "1" }},
			}
		},
	})
}

type sysctlParams struct {
	NS    string `yaml:"ns" doc:"namespace (default: the lab's root); each namespace has its own net.* settings"`
	Key   string `yaml:"key" required:"true" doc:"the net.* key: net.ipv4.ip_forward"`
	Value string `yaml:"value" required:"true" doc:"the value it must have, as sysctl prints it"`
}

// sysctlMeaning explains a wrong value of a key the course teaches: why
// it matters, and the catalogued mistake it is.
type sysctlMeaning struct {
	key          string
	why, mistake string
	msg          string // why as a catalogue message (Result.Say)
}

// sysctlMeanings is the one place that knows particular sysctls by name.
// An array of constants, not a map: it is laid out by the linker, where a
// map would be built at every start of netlab.
var sysctlMeanings = [...]sysctlMeaning{
	{key: "net.ipv4.ip_forward", why: "without forwarding the namespace drops packets that are not addressed to itself", mistake: "ip-forward-off", msg: "why-sysctl-ip-forward"},
}

func sysctlMistakes() []string {
	out := []string{"ns-missing"}
	for _, m := range sysctlMeanings {
		if !slices.Contains(out, m.mistake) {
			out = append(out, m.mistake)
		}
	}
	slices.Sort(out[1:])
	return out
}

func sysctlMeaningOf(key string) (sysctlMeaning, bool) {
	for _, m := range sysctlMeanings {
		if m.key == key {
			return m, true
		}
	}
	return sysctlMeaning{}, false
}

type sysctlCheck struct{ ns, key, value string }

func (c sysctlCheck) Describe() string {
	return fmt.Sprintf("%s = %s in %s", c.key, c.value, nsName(c.ns))
}

func (c sysctlCheck) DescribeMsgs() []Msg {
	return []Msg{{ID: "title-sysctl", Data: D{"Key": c.key, "Value": c.value, "NS": nsV(c.ns)}}}
}

func (c sysctlCheck) Run(ctx context.Context, env Env) Result {
	v, err := env.K.Sysctl(ctx, c.ns, c.key)
	if err != nil {
		return FromErr(err, c.ns)
	}
	if v == c.value {
		return Passf("%s = %s in %s", c.key, v, nsName(c.ns))
	}
	fix := "sysctl -w " + c.key + "=" + c.value
	if c.ns != "" {
		fix = "ip netns exec " + c.ns + " " + fix
	}
	r := Failf("%s is %s in %s, not %s", c.key, v, nsName(c.ns), c.value).WithFix(fix).
		Say("why-sysctl-value", D{"Key": c.key, "Value": v, "NS": nsV(c.ns), "Want": c.value})
	if m, ok := sysctlMeaningOf(c.key); ok {
		r.Why += ": " + m.why
		r = r.WithMistake(m.mistake).Say("why-colon", nil).Say(m.msg, nil)
	}
	return r
}
