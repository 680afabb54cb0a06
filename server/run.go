package server

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/seeds"

	_ "time/tzdata" // Europe/London on machines without a zone database
)

// Env is what the program gets from the operating system.
type Env struct {
	Args   []string // without the program name
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Ready, when set, receives the listening address once the server accepts
	// connections; whole-program tests use it with ADDR=127.0.0.1:0.
	Ready func(addr string)
}

const usage = `Common Room: community use of NHS buildings.

Usage:
  commonroom [serve]                   start the web server (the default)
  commonroom migrate                   bring the database schema up to date
  commonroom seed --demo               load the demo sites, spaces, organisations and accounts
  commonroom user create --email E --role admin|estates-manager|link-worker [--site ID]...
                                       create an account; the password is read from standard input

Configuration comes from environment variables (ADDR, DATABASE_URL, BASE_URL,
SESSION_SECRET, LOG_LEVEL, DEMO_DATA, SERVICE_NAME, ORGANISATION_NAME,
SHUTDOWN_TIMEOUT, TRUSTED_PROXIES): see the README.
Run "commonroom COMMAND --help" for a command's options.
`

// Run is the whole program: it reads configuration, opens the database and
// runs one command. ctx ends the server gracefully when cancelled.
func Run(ctx context.Context, env Env) error {
	cmd, args := "serve", env.Args
	if len(args) > 0 && (!strings.HasPrefix(args[0], "-") || args[0] == "-h" || args[0] == "--help") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, env, args)
	case "migrate":
		return runMigrate(ctx, env, args)
	case "seed":
		return runSeed(ctx, env, args)
	case "user":
		return runUser(ctx, env, args)
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return nil
	}
	fmt.Fprint(env.Stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// errHelp means --help was asked for and printed.
var errHelp = flag.ErrHelp

func newFlags(env Env, name, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "%s\n\nUsage: commonroom %s\n", summary, name)
		fs.PrintDefaults()
	}
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// setup loads the configuration, makes the logger and opens and migrates
// the database.
func setup(ctx context.Context, env Env) (Config, *slog.Logger, *models.Store, error) {
	cfg, err := LoadConfig(env.Getenv)
	if err != nil {
		return cfg, nil, nil, fmt.Errorf("configuration: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(env.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	store, err := models.Open(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return cfg, log, nil, err
	}
	store.PaymentHold = cfg.PaymentHold
	if err := store.Migrate(ctx); err != nil {
		_ = store.Close()
		return cfg, log, nil, err
	}
	return cfg, log, store, nil
}

func runMigrate(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "migrate", "Bring the database schema up to date. The server also does this when it starts.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	_, _, store, err := setup(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintln(env.Stdout, "The database schema is up to date.")
	return nil
}

func runSeed(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "seed --demo", "Load the demo data: sites, spaces, organisations and one account for each role. Loading twice changes nothing.")
	demo := fs.Bool("demo", false, "load the demo data")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !*demo {
		fs.Usage()
		return errors.New("say --demo to load the demo data")
	}
	cfg, _, store, err := setup(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	signIns, err := seeds.LoadDemo(ctx, store, HashPassword)
	if err != nil {
		return err
	}
	printSignIns(env.Stdout, cfg, signIns)
	return nil
}

func printSignIns(w io.Writer, cfg Config, signIns []seeds.SignIn) {
	fmt.Fprintf(w, "Demo data is loaded. Sign in at %s/sign-in with password %q as:\n", cfg.BaseURL, seeds.DemoPassword)
	for _, s := range signIns {
		fmt.Fprintf(w, "  %-28s %s\n", s.Email, s.Role)
	}
}

// roleNames maps the command line's role names to account roles.
var roleNames = map[string]string{
	"admin":           booking.RoleAdmin,
	"estates-manager": booking.RoleEstatesManager,
	"link-worker":     booking.RoleLinkWorker,
}

type siteIDs []int64

func (s *siteIDs) String() string { return fmt.Sprint(*s) }
func (s *siteIDs) Set(v string) error {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("%q is not a site id", v)
	}
	*s = append(*s, id)
	return nil
}

func runUser(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprint(env.Stderr, "Usage: commonroom user create --email E --role admin|estates-manager|link-worker [--site ID]...\n")
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			return errHelp
		}
		return errors.New(`the user command has one subcommand: "create"`)
	}
	fs := newFlags(env, "user create", "Create an account. The password is read from the first line of standard input.")
	email := fs.String("email", "", "the account's email address (required)")
	name := fs.String("name", "", "the person's name (defaults to the part of the email before @)")
	role := fs.String("role", "", "admin, estates-manager or link-worker (required)")
	var sites siteIDs
	fs.Var(&sites, "site", "a site an estates manager manages (repeat for several)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	var p booking.Problems
	validateEmail(&p, "--email", *email)
	accountRole, ok := roleNames[*role]
	if !ok {
		p.Add("--role", "must be admin, estates-manager or link-worker")
	}
	if len(sites) > 0 && accountRole != booking.RoleEstatesManager {
		p.Add("--site", "only estates managers are assigned to sites")
	}
	password, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password = strings.TrimRight(password, "\r\n")
	validatePassword(&p, "password", password)
	if err := p.Err(); err != nil {
		return err
	}
	if *name == "" {
		*name = (*email)[:strings.LastIndex(*email, "@")]
	}
	_, _, store, err := setup(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	// Every site must exist before the account is made, so a mistyped id
	// leaves nothing behind.
	managed := make([]*models.Site, 0, len(sites))
	for _, id := range sites {
		site, err := store.SiteByID(ctx, id)
		if err != nil {
			return fmt.Errorf("--site %d: %w", id, err)
		}
		managed = append(managed, site)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	u := models.User{Email: *email, Name: *name, PasswordHash: hash, Role: accountRole}
	if err := store.CreateUser(ctx, &u); err != nil {
		return err
	}
	for _, site := range managed {
		ids := []int64{u.ID}
		for _, m := range site.Managers {
			ids = append(ids, m.ID)
		}
		if err := store.UpdateSite(ctx, site, ids); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "Created %s (%s), account %d.\n", u.Email, *role, u.ID)
	return nil
}

func runServe(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "serve", "Start the web server. It migrates the database first, and loads the demo data when DEMO_DATA is set.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, log, store, err := setup(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	if cfg.DemoData {
		signIns, err := seeds.LoadDemo(ctx, store, HashPassword)
		if err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		printSignIns(env.Stdout, cfg, signIns)
	}
	secret := cfg.SessionSecret
	if secret == "" {
		secret, err = store.SettingOrCreate(ctx, "session_secret", func() (string, error) { return randomToken(32), nil })
		if err != nil {
			return fmt.Errorf("session secret: %w", err)
		}
	}
	handler, err := NewServer(Deps{Config: cfg, Store: store, Logger: log, Secret: secret})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("ADDR: %w", err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go housekeeping(ctx, store, log)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	addr := ln.Addr().String()
	log.Info("listening", "addr", addr, "base_url", cfg.BaseURL.String(), "database", store.Dialect)
	fmt.Fprintf(env.Stdout, "Common Room is running at %s (listening on %s). Press Ctrl+C to stop.\n", cfg.BaseURL, addr)
	if env.Ready != nil {
		env.Ready(addr)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// housekeeping deletes expired sessions, old login attempts and old
// idempotency keys every hour.
// Correctness never depends on it: expired rows are ignored by every query.
func housekeeping(ctx context.Context, store *models.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		now := time.Now().UTC()
		if err := store.DeleteExpiredSessions(ctx, now); err != nil && ctx.Err() == nil {
			log.Warn("housekeeping", "err", err)
		}
		if err := store.PruneLoginAttempts(ctx, now.Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			log.Warn("housekeeping", "err", err)
		}
		if err := store.PruneIdempotencyKeys(ctx, now.Add(-idempotencyKept)); err != nil && ctx.Err() == nil {
			log.Warn("housekeeping", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Main is what the commonroom command runs: Run with the process's
// environment, stopped by SIGINT or SIGTERM.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := Run(ctx, Env{Args: os.Args[1:], Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errHelp):
		return 0
	}
	fmt.Fprintln(os.Stderr, "commonroom:", err)
	return 1
}
