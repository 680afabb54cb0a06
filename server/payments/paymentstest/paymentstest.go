// Package paymentstest runs stripe-mock, Stripe's own API double, for the
// tests of a package: one process per test binary, on a free loopback port,
// started by the first test that asks for it. A package that uses it calls
// Main (or Stop) from TestMain so the process ends with the tests.
//
// Without stripe-mock on PATH or in $(go env GOPATH)/bin the tests that need
// it are skipped; with REQUIRE_STRIPE_MOCK=1 they fail instead.
package paymentstest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/build"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// SecretKey is a secret key stripe-mock accepts.
const SecretKey = "sk_test_commonroom"

// startTimeout bounds how long stripe-mock may take to load its OpenAPI
// spec and start listening; about a second on an idle machine.
const startTimeout = 60 * time.Second

// URL returns the base URL of this test binary's stripe-mock, starting it
// on first use.
func URL(t testing.TB) string {
	t.Helper()
	mock.mu.Lock()
	defer mock.mu.Unlock()
	if mock.url == "" && mock.err == nil {
		mock.start()
	}
	switch {
	case errors.Is(mock.err, errNotInstalled):
		if os.Getenv("REQUIRE_STRIPE_MOCK") == "1" {
			t.Fatalf("REQUIRE_STRIPE_MOCK=1 but %v", mock.err)
		}
		t.Skipf("%v: Stripe tests skipped", mock.err)
	case mock.err != nil:
		t.Fatalf("stripe-mock: %v", mock.err)
	}
	return mock.url
}

// Main runs the tests of a package and then stops stripe-mock if it was
// started. Use it from TestMain: os.Exit(paymentstest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	Stop()
	return code
}

// Stop ends stripe-mock if it is running, for a TestMain that already wraps
// m.Run in another harness's Main.
func Stop() {
	mock.mu.Lock()
	defer mock.mu.Unlock()
	if mock.cmd != nil {
		_ = mock.cmd.Process.Kill()
		_ = mock.cmd.Wait()
		mock.cmd = nil
	}
	mock.url = ""
	mock.err = errors.New("stopped")
}

var errNotInstalled = errors.New("stripe-mock is not installed (go install github.com/stripe/stripe-mock@v0.203.0)")

// mockState is the process shared by the tests of one binary.
type mockState struct {
	mu  sync.Mutex
	cmd *exec.Cmd
	url string
	err error
}

var mock mockState

func (s *mockState) start() {
	bin, err := binary()
	if err != nil {
		s.err = err
		return
	}
	// -https-addr as well as -http-addr: stripe-mock v0.203.0 otherwise also
	// opens HTTPS on the fixed port 12112, and a second test binary running
	// alongside would fail to start.
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		s.err = err
		return
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		s.err = fmt.Errorf("start %s: %w", bin, err)
		return
	}

	found := make(chan string, 1)
	var seen bytes.Buffer
	go func() {
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			line := lines.Text()
			if addr, ok := strings.CutPrefix(line, "Listening for HTTP at address: "); ok {
				found <- addr
				break
			}
			seen.WriteString(line + "\n")
		}
		close(found)
		// stripe-mock prints a line for every request: keep draining so
		// it never blocks on a full pipe.
		_, _ = io.Copy(io.Discard, out)
	}()

	select {
	case addr, ok := <-found:
		if !ok {
			_ = cmd.Wait()
			s.err = fmt.Errorf("%s exited before listening: %s", bin, strings.TrimSpace(seen.String()))
			return
		}
		s.cmd, s.url = cmd, "http://"+addr
	case <-time.After(startTimeout):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		s.err = fmt.Errorf("%s did not start listening within %s", bin, startTimeout)
	}
}

// binary finds stripe-mock on PATH, else where go install puts it: GOBIN,
// or the bin directory of GOPATH.
func binary() (string, error) {
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p, nil
	}
	var dirs []string
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		gobin, gopath, _ := strings.Cut(string(out), "\n")
		dirs = append(dirs, strings.TrimSpace(gobin))
		for dir := range strings.SplitSeq(strings.TrimSpace(gopath), string(filepath.ListSeparator)) {
			dirs = append(dirs, filepath.Join(dir, "bin"))
		}
	}
	dirs = append(dirs, filepath.Join(build.Default.GOPATH, "bin"))
	for _, dir := range dirs {
		if dir == "" || dir == "bin" {
			continue
		}
		p := filepath.Join(dir, "stripe-mock")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", errNotInstalled
}
