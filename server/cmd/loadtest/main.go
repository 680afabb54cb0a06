// Command loadtest measures Common Room under load on this machine: it
// seeds spaces and bookings into a fresh database, starts the real server
// on a loopback port, and reports booking creation by concurrent clients
// and availability searches, on SQLite and on PostgreSQL. On PostgreSQL it
// also runs pgbench with the SQL of the booking transaction and prints how
// close the server comes to raw SQL. It prints a table and never fails on
// timing.
//
//	go run ./server/cmd/loadtest -pg postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	dialects []string
	pgURL    string
	spaces   int
	bookings int
	clients  int
	seconds  int
	keep     bool
	profile  string
}

func parse(args []string) (options, error) {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	o := options{}
	db := fs.String("db", "both", "sqlite, postgres or both")
	fs.StringVar(&o.pgURL, "pg", os.Getenv("TEST_DATABASE_URL"), "PostgreSQL server to create the load database on (default $TEST_DATABASE_URL)")
	fs.IntVar(&o.spaces, "spaces", 200, "spaces to seed")
	fs.IntVar(&o.bookings, "bookings", 100_000, "bookings to seed")
	fs.IntVar(&o.clients, "clients", 16, "concurrent clients")
	fs.IntVar(&o.seconds, "seconds", 10, "length of each measured phase")
	fs.BoolVar(&o.keep, "keep", false, "keep the load databases and print where they are")
	fs.StringVar(&o.profile, "cpuprofile", "", "write a CPU profile of the booking phase to this file")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch *db {
	case "sqlite":
		o.dialects = []string{"sqlite"}
	case "postgres":
		o.dialects = []string{"postgres"}
	case "both":
		o.dialects = []string{"sqlite", "postgres"}
	default:
		return o, fmt.Errorf("-db must be sqlite, postgres or both")
	}
	if o.pgURL == "" && *db != "sqlite" {
		if *db == "postgres" {
			return o, fmt.Errorf("-pg or TEST_DATABASE_URL must name a PostgreSQL server")
		}
		o.dialects = []string{"sqlite"}
	}
	if o.spaces < 1 || o.bookings < 0 || o.clients < 1 || o.seconds < 1 {
		return o, fmt.Errorf("-spaces, -clients and -seconds must be positive")
	}
	return o, nil
}

func run(ctx context.Context, args []string) error {
	o, err := parse(args)
	if err != nil {
		return err
	}
	var results []result
	for _, d := range o.dialects {
		r, err := measure(ctx, o, d)
		if err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
		results = append(results, r)
	}
	printTable(os.Stdout, o, results)
	return nil
}
