// Package server is Common Room's HTTP layer: configuration, the command
// line, routes, middleware, the JSON API, the pages and the adapters around
// the domain core.
package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/models"
)

// Config is the server's configuration, read from environment variables.
type Config struct {
	Addr             string        // ADDR
	DatabaseURL      string        // DATABASE_URL
	BaseURL          *url.URL      // BASE_URL
	SessionSecret    string        // SESSION_SECRET; generated and stored when empty
	LogLevel         slog.Level    // LOG_LEVEL
	DemoData         bool          // DEMO_DATA
	ServiceName      string        // SERVICE_NAME
	OrganisationName string        // ORGANISATION_NAME
	ShutdownTimeout  time.Duration // SHUTDOWN_TIMEOUT
	TrustedProxies   []string      // TRUSTED_PROXIES
	// Card payments through Stripe Checkout: off without a secret key.
	StripeSecretKey     string        // STRIPE_SECRET_KEY
	StripeWebhookSecret string        // STRIPE_WEBHOOK_SECRET
	StripeAPIURL        string        // STRIPE_API_URL; empty is Stripe's own
	PaymentHold         time.Duration // PAYMENT_HOLD_MINUTES
	// Postcode search in the groups directory: off without a URL.
	GeocoderURL       string        // GEOCODER_URL
	GeocoderTimeout   time.Duration // GEOCODER_TIMEOUT
	GeocoderCacheSize int           // GEOCODER_CACHE_SIZE
}

// Stripe Checkout Sessions expire 30 minutes to 24 hours after they are
// made, so a booking's hold for its payment is as long.
const (
	minPaymentHoldMinutes = 30
	maxPaymentHoldMinutes = 24 * 60
)

// A postcode lookup happens while someone waits for a page; the cache is
// held in memory, a few hundred bytes an entry.
const (
	minGeocoderTimeout   = 100 * time.Millisecond
	maxGeocoderTimeout   = 30 * time.Second
	maxGeocoderCacheSize = 1000000
)

// CardPayments reports whether bookings can be paid by card online.
func (c Config) CardPayments() bool { return c.StripeSecretKey != "" }

// SecureCookies reports whether cookies must carry the Secure flag.
func (c Config) SecureCookies() bool { return c.BaseURL.Scheme == "https" }

// LoadConfig reads the configuration from getenv, applying defaults and
// naming the variable in every error.
func LoadConfig(getenv func(string) string) (Config, error) {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}

	c := Config{
		Addr:             get("ADDR", ":8080"),
		DatabaseURL:      get("DATABASE_URL", ""),
		SessionSecret:    getenv("SESSION_SECRET"),
		ServiceName:      get("SERVICE_NAME", "Common Room"),
		OrganisationName: get("ORGANISATION_NAME", ""),
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		bad("ADDR", "%q is not host:port (for example :8080 or 127.0.0.1:8080)", c.Addr)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		bad("ADDR", "%q has no valid port", c.Addr)
	}
	if _, err := models.ParseURL(c.DatabaseURL); err != nil {
		bad("DATABASE_URL", "%v", err)
	}
	defaultBase := "http://localhost:8080"
	if _, port, err := net.SplitHostPort(c.Addr); err == nil && port != "" && port != "0" {
		defaultBase = "http://localhost:" + port
	}
	base := strings.TrimRight(get("BASE_URL", defaultBase), "/")
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		bad("BASE_URL", "%q is not an http or https URL like https://rooms.example.nhs.uk", base)
	} else {
		c.BaseURL = u
	}
	if c.SessionSecret != "" && len(c.SessionSecret) < 32 {
		bad("SESSION_SECRET", "must be at least 32 characters (or leave it unset to generate one)")
	}
	switch strings.ToLower(get("LOG_LEVEL", "info")) {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("LOG_LEVEL", "%q is not one of debug, info, warn, error", getenv("LOG_LEVEL"))
	}
	if v := get("DEMO_DATA", "0"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad("DEMO_DATA", "%q is not true or false (1 or 0)", v)
		}
		c.DemoData = b
	}
	c.ShutdownTimeout = 20 * time.Second
	if v := get("SHUTDOWN_TIMEOUT", ""); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			bad("SHUTDOWN_TIMEOUT", "%q is not a positive duration like 20s", v)
		}
		c.ShutdownTimeout = d
	}
	if v := get("TRUSTED_PROXIES", ""); v != "" {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
				bad("TRUSTED_PROXIES", "%q is not an IP address or CIDR range", p)
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	c.StripeSecretKey = getenv("STRIPE_SECRET_KEY")
	c.StripeWebhookSecret = getenv("STRIPE_WEBHOOK_SECRET")
	c.StripeAPIURL = strings.TrimRight(get("STRIPE_API_URL", ""), "/")
	if k := c.StripeSecretKey; k != "" && !strings.HasPrefix(k, "sk_") && !strings.HasPrefix(k, "rk_") {
		bad("STRIPE_SECRET_KEY", "is not a Stripe secret key (sk_… or rk_…)")
	}
	switch {
	case c.StripeSecretKey != "" && c.StripeWebhookSecret == "":
		bad("STRIPE_WEBHOOK_SECRET", "is needed with STRIPE_SECRET_KEY, to confirm payments (whsec_…)")
	case c.StripeWebhookSecret != "" && !strings.HasPrefix(c.StripeWebhookSecret, "whsec_"):
		bad("STRIPE_WEBHOOK_SECRET", "is not a Stripe webhook signing secret (whsec_…)")
	}
	if v := c.StripeAPIURL; v != "" {
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("STRIPE_API_URL", "%q is not an http or https URL", v)
		}
	}
	c.PaymentHold = minPaymentHoldMinutes * time.Minute
	if v := get("PAYMENT_HOLD_MINUTES", ""); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < minPaymentHoldMinutes || n > maxPaymentHoldMinutes {
			bad("PAYMENT_HOLD_MINUTES", "%q is not a whole number of minutes from %d to %d", v, minPaymentHoldMinutes, maxPaymentHoldMinutes)
		}
		c.PaymentHold = time.Duration(n) * time.Minute
	}
	c.GeocoderURL = strings.TrimRight(get("GEOCODER_URL", ""), "/")
	if v := c.GeocoderURL; v != "" {
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			bad("GEOCODER_URL", "%q is not an http or https URL like https://api.postcodes.io", v)
		}
	}
	c.GeocoderTimeout = 2 * time.Second
	if v := get("GEOCODER_TIMEOUT", ""); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < minGeocoderTimeout || d > maxGeocoderTimeout {
			bad("GEOCODER_TIMEOUT", "%q is not a duration from %v to %v", v, minGeocoderTimeout, maxGeocoderTimeout)
		}
		c.GeocoderTimeout = d
	}
	c.GeocoderCacheSize = 10000
	if v := get("GEOCODER_CACHE_SIZE", ""); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxGeocoderCacheSize {
			bad("GEOCODER_CACHE_SIZE", "%q is not a whole number from 0 to %d", v, maxGeocoderCacheSize)
		}
		c.GeocoderCacheSize = n
	}
	if len(c.ServiceName) > 60 {
		bad("SERVICE_NAME", "must be at most 60 characters")
	}
	return c, errors.Join(errs...)
}
