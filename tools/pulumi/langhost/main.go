// A minimal Node.js language host for the Pulumi engine (pulumi-language-nodejs).
//
// The official host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) has
// no tagged versions and is not served by the Go module proxy this project can reach, so this one
// is built instead, against the same release of the Pulumi SDK's gRPC definitions. It does what the
// engine needs for preview, up, refresh, destroy, import and stack operations: it runs the real
// @pulumi/pulumi Node.js runtime (`@pulumi/pulumi/cmd/run`, resolved from the program directory)
// with the arguments and environment that runtime documents, and reports the program's result.
// Plugin discovery, dependency installation, code generation and `pulumi about` are not provided.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"google.golang.org/grpc"
	pbempty "google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is injected at build time (-X main.version=v3.N.0); it matches the CLI it ships with.
var version = "v3.0.0"

// exitAfterLoggedError is the exit code with which @pulumi/pulumi/cmd/run says it already reported the error.
const exitAfterLoggedError = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func main() {
	flag.String("tracing", "", "ignored: tracing endpoint")
	flag.String("root", "", "ignored: project root")
	flag.Bool("typescript", true, "ignored: use the runtime option instead")
	flag.Parse()
	h := &host{}
	if flag.NArg() > 0 {
		h.engineAddress = flag.Arg(0)
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not serve: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *pbempty.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPackages reports no plugins: dynamic providers need only the pulumi-nodejs plugin on PATH.
func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

// Run starts `node <@pulumi/pulumi/cmd/run> <flags> <program> <args>` in the program directory and waits.
func (h *host) Run(_ context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	options := req.GetInfo().GetOptions().AsMap()
	runPath, err := resolveRun(req.GetPwd())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	args := nodeArgs(options)
	args = append(args, runPath)
	flagIf := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagIf("monitor", req.GetMonitorAddress())
	flagIf("engine", h.engineAddress)
	flagIf("organization", req.GetOrganization())
	flagIf("project", req.GetProject())
	flagIf("root-directory", req.GetInfo().GetRootDirectory())
	flagIf("stack", req.GetStack())
	flagIf("pwd", req.GetPwd())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagIf("parallel", fmt.Sprint(req.GetParallel()))
	args = append(args, programPath(req))
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(req.GetConfigSecretKeys())
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(), "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	env = append(env, "PULUMI_NODEJS_TYPESCRIPT="+fmt.Sprint(boolOption(options, "typescript", true)))
	if tsconfig, ok := options["tsconfig"].(string); ok && tsconfig != "" {
		if !filepath.IsAbs(tsconfig) && req.GetInfo().GetRootDirectory() != "" {
			tsconfig = filepath.Join(req.GetInfo().GetRootDirectory(), tsconfig) // relative to Pulumi.yaml
		}
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}

	cmd := exec.Command("node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Stdout, cmd.Stderr, cmd.Env = os.Stdout, os.Stderr, env
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if status, ok := exitErr.Sys().(syscall.WaitStatus); ok && status.ExitStatus() == exitAfterLoggedError {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode())}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// programPath is what @pulumi/pulumi/cmd/run loads: the entry point inside the program directory (the directory
// itself for ".", so Node resolves its package.json "main" or index file), not the project root's package.json main.
func programPath(req *pulumirpc.RunRequest) string {
	entry := req.GetInfo().GetEntryPoint()
	if entry == "" {
		entry = req.GetProgram()
	}
	if entry == "" {
		entry = "."
	}
	if dir := req.GetInfo().GetProgramDirectory(); dir != "" && !filepath.IsAbs(entry) {
		return filepath.Join(dir, entry)
	}
	return entry
}

// resolveRun finds @pulumi/pulumi/cmd/run as Node resolves it from the program directory.
func resolveRun(dir string) (string, error) {
	cmd := exec.Command("node", "-e", "console.log(require.resolve('@pulumi/pulumi/cmd/run'))")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", errors.New("It looks like the Pulumi SDK has not been installed. Have you run npm install or yarn install?")
	}
	return strings.TrimSpace(string(out)), nil
}

func nodeArgs(options map[string]any) []string {
	if s, ok := options["nodeargs"].(string); ok && s != "" {
		return strings.Fields(s)
	}
	return nil
}

func boolOption(options map[string]any, key string, fallback bool) bool {
	if b, ok := options[key].(bool); ok {
		return b
	}
	return fallback
}
