// Command health-judge tells what Flux and Argo CD would say about the health of a live
// Kubernetes object, using the engines those tools embed:
//
//   - kstatus: sigs.k8s.io/cli-utils/pkg/kstatus/status.Compute, the status library Flux's
//     kustomize-controller and helm-controller use for health checks (Flux builds it from its
//     fork github.com/fluxcd/cli-utils, whose pkg/kstatus/status is the same code).
//   - argocd: a resource customization health.lua run with github.com/yuin/gopher-lua the way
//     Argo CD's util/lua (VM.ExecuteHealthLua) runs it: the object is the global 'obj', the
//     script's returned table is encoded with layeh.com/gopher-json and read as a HealthStatus.
//
// The object is read as JSON from stdin; the verdict is printed to stdout as one JSON line
// {"status":"...","message":"..."}. See usage below.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	luajson "layeh.com/gopher-json"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

const usage = `Usage:
  health-judge kstatus < object.json
  health-judge argocd --script health.lua [--open-libs] < object.json
  health-judge --help

Reads one Kubernetes object as JSON from stdin and prints one JSON line
{"status":"...","message":"..."} with the verdict of:

  kstatus  sigs.k8s.io/cli-utils/pkg/kstatus/status.Compute, what Flux's health checks use.
           status: Current, InProgress, Failed, Terminating, NotFound or Unknown.
           If Compute returns an error (e.g. metadata.generation is not an integer), the
           verdict is Unknown with the error as message, as kstatus' pollers report it.

  argocd   an Argo CD resource customization health script, run with gopher-lua the way
           Argo CD runs it: the object is the global 'obj' (JSON objects and arrays become
           tables, numbers become Lua numbers), the returned table gives status and message.
           status: Healthy, Progressing, Degraded, Suspended, Missing or Unknown.
           A Lua error gives Unknown with the error as message (what Argo CD shows); a status
           outside that list gives Unknown "Lua returned an invalid health status"; a script
           that returns nil gives status "" (Argo CD then assesses no health for the object).
           Only the health script is judged, not Argo CD's handling of deleted objects.

Options of argocd:
  --script FILE  the health.lua to run (required)
  --open-libs    open all Lua standard libraries, as Argo CD does for its built-in scripts,
                 for argocd-cm 'resource.customizations.useOpenLibs.<group_kind>: "true"'
                 and in its own health_test.yaml runner. Without it, only the libraries Argo CD
                 always opens are available (package, base, table and a safe os with
                 os.time only here): the default for argocd-cm resource customizations,
                 where e.g. 'string' is nil.

Exit status: 0 when a verdict was printed; 1 when the input cannot be judged (not a JSON
object, unreadable script, ...), with the reason on stderr; 2 for bad usage.
`

const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// Argo CD's limit for one run of a Lua script (util/lua/lua.go).
const luaTimeout = 1 * time.Second

// The health status codes Argo CD accepts from a health script (isValidHealthStatusCode).
var validArgoStatuses = map[string]bool{
	"Unknown": true, "Progressing": true, "Suspended": true, "Healthy": true, "Degraded": true, "Missing": true,
}

const invalidHealthStatus = "Lua returned an invalid health status"

type verdict struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "kstatus":
		fs := newFlagSet("kstatus", stderr)
		if code, done := parse(fs, args[1:], stdout); done {
			return code
		}
		obj, err := readObject(stdin)
		if err != nil {
			return fail(stderr, err)
		}
		return emit(stdout, stderr, judgeKstatus(obj))
	case "argocd":
		fs := newFlagSet("argocd", stderr)
		script := fs.String("script", "", "the health.lua to run")
		openLibs := fs.Bool("open-libs", false, "open all Lua standard libraries")
		if code, done := parse(fs, args[1:], stdout); done {
			return code
		}
		if *script == "" {
			fmt.Fprintln(stderr, "health-judge argocd: --script is required")
			return exitUsage
		}
		source, err := os.ReadFile(*script)
		if err != nil {
			return fail(stderr, fmt.Errorf("cannot read the health script: %w", err))
		}
		obj, err := readObject(stdin)
		if err != nil {
			return fail(stderr, err)
		}
		v, err := judgeArgoCD(obj, string(source), *openLibs)
		if err != nil {
			return fail(stderr, err)
		}
		return emit(stdout, stderr, v)
	default:
		fmt.Fprintf(stderr, "health-judge: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("health-judge "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // parse prints the usage: to stdout for --help, else a hint
	return fs
}

// parse parses the flags of a command; done is true when the command must stop with code.
func parse(fs *flag.FlagSet, args []string, stdout io.Writer) (code int, done bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return exitOK, true
		}
		fmt.Fprintln(fs.Output(), "run 'health-judge --help' for the usage")
		return exitUsage, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return exitUsage, true
	}
	return exitOK, false
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "health-judge: %v\n", err)
	return exitError
}

func emit(stdout, stderr io.Writer, v verdict) int {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fail(stderr, err)
	}
	if _, err := stdout.Write(buf.Bytes()); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// readObject decodes stdin like the API machinery decodes a live object: JSON integers become
// int64, other numbers float64 (k8s.io/apimachinery/pkg/util/json).
func readObject(stdin io.Reader) (*unstructured.Unstructured, error) {
	data, err := io.ReadAll(stdin)
	if err != nil {
		return nil, fmt.Errorf("cannot read stdin: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("no object on stdin: expected one JSON object")
	}
	var object map[string]interface{}
	if err := utiljson.Unmarshal(data, &object); err != nil {
		return nil, fmt.Errorf("stdin is not a JSON object: %w", err)
	}
	if object == nil {
		return nil, errors.New("stdin is not a JSON object: null")
	}
	return &unstructured.Unstructured{Object: object}, nil
}

func judgeKstatus(obj *unstructured.Unstructured) verdict {
	result, err := status.Compute(obj)
	if err != nil {
		return verdict{Status: string(status.UnknownStatus), Message: err.Error()}
	}
	return verdict{Status: string(result.Status), Message: result.Message}
}

// judgeArgoCD runs the script like Argo CD's VM.ExecuteHealthLua and maps a Lua error to
// Unknown with the error as message, like gitops-engine's GetResourceHealth.
func judgeArgoCD(obj *unstructured.Unstructured, script string, openLibs bool) (verdict, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: !openLibs})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.OsLibName, openSafeOs},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return verdict{}, fmt.Errorf("cannot open the Lua library %q: %w", lib.name, err)
		}
	}
	l.PreloadModule(lua.OsLibName, loadSafeOs)

	ctx, cancel := context.WithTimeout(context.Background(), luaTimeout)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", decodeValue(l, obj.Object))

	if err := l.DoString(script); err != nil {
		// Argo CD drops the Lua stack trace of run-time errors before showing them.
		var apiErr *lua.ApiError
		if errors.As(err, &apiErr) && apiErr.Type == lua.ApiErrorRun {
			apiErr.StackTrace = ""
			err = apiErr
		}
		return verdict{Status: "Unknown", Message: err.Error()}, nil
	}

	returned := l.Get(-1)
	switch returned.Type() {
	case lua.LTTable:
	case lua.LTNil:
		return verdict{Status: "", Message: "the health script returned nil: Argo CD assesses no health"}, nil
	default:
		err := fmt.Errorf("expect table output from Lua script, not %s", returned.Type().String())
		return verdict{Status: "Unknown", Message: err.Error()}, nil
	}
	encoded, err := luajson.Encode(returned)
	if err != nil {
		return verdict{Status: "Unknown", Message: err.Error()}, nil
	}
	var health struct {
		Status  string `json:"status,omitempty"`
		Message string `json:"message,omitempty"`
	}
	if err := json.Unmarshal(encoded, &health); err != nil {
		// An empty table encodes as [] and Argo CD reads it as an empty HealthStatus.
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Value == "array" {
			return verdict{}, nil
		}
		return verdict{Status: "Unknown", Message: err.Error()}, nil
	}
	if !validArgoStatuses[health.Status] {
		return verdict{Status: "Unknown", Message: invalidHealthStatus}, nil
	}
	return verdict{Status: health.Status, Message: health.Message}, nil
}

// decodeValue converts a decoded JSON value to Lua as Argo CD's util/lua decodeValue does:
// objects and arrays become tables, numbers (int64 or float64) become Lua numbers.
func decodeValue(l *lua.LState, value interface{}) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case int:
		return lua.LNumber(v)
	case int32:
		return lua.LNumber(v)
	case json.Number:
		return lua.LString(v)
	case string:
		return lua.LString(v)
	case []interface{}:
		array := l.CreateTable(len(v), 0)
		for _, item := range v {
			array.Append(decodeValue(l, item))
		}
		return array
	case map[string]interface{}:
		table := l.CreateTable(0, len(v))
		for key, item := range v {
			table.RawSetH(lua.LString(key), decodeValue(l, item))
		}
		return table
	default:
		return lua.LNil
	}
}

// The 'os' library Argo CD always opens is a safe subset; this judge offers os.time only.
var safeOsFuncs = map[string]lua.LGFunction{"time": osTime}

func openSafeOs(l *lua.LState) int {
	l.Push(l.RegisterModule(lua.OsLibName, safeOsFuncs))
	return 1
}

func loadSafeOs(l *lua.LState) int {
	l.Push(l.SetFuncs(l.NewTable(), safeOsFuncs))
	return 1
}

// osTime is os.time(): the current Unix time, or the time of a {year, month, day, hour, min,
// sec} table (hour defaults to 12, as in Lua), in the local time zone.
func osTime(l *lua.LState) int {
	if l.GetTop() == 0 {
		l.Push(lua.LNumber(time.Now().Unix()))
		return 1
	}
	t := l.CheckTable(1)
	field := func(name string, def int) int {
		if n, ok := t.RawGetString(name).(lua.LNumber); ok {
			return int(n)
		}
		return def
	}
	at := time.Date(field("year", 1970), time.Month(field("month", 1)), field("day", 1),
		field("hour", 12), field("min", 0), field("sec", 0), 0, time.Local)
	l.Push(lua.LNumber(at.Unix()))
	return 1
}
