package server

import (
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.BaseURL.String() != "http://localhost:8080" || c.DemoData || c.SecureCookies() {
		t.Errorf("unexpected defaults: %+v", c)
	}
	if c.ServiceName != "Common Room" {
		t.Errorf("service name %q", c.ServiceName)
	}
}

func TestLoadConfigHTTPSBaseMakesCookiesSecure(t *testing.T) {
	c, err := LoadConfig(envOf(map[string]string{"BASE_URL": "https://rooms.example.nhs.uk/"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.SecureCookies() || c.BaseURL.String() != "https://rooms.example.nhs.uk" {
		t.Errorf("base %v secure %v", c.BaseURL, c.SecureCookies())
	}
}

func TestLoadConfigNamesTheBadVariable(t *testing.T) {
	tests := map[string]string{
		"ADDR":                  "8080",
		"DATABASE_URL":          "mysql://x",
		"BASE_URL":              "ftp://x",
		"SESSION_SECRET":        "short",
		"LOG_LEVEL":             "loud",
		"DEMO_DATA":             "perhaps",
		"SHUTDOWN_TIMEOUT":      "-3s",
		"STRIPE_SECRET_KEY":     "pk_test_publishable",
		"STRIPE_WEBHOOK_SECRET": "not-a-secret",
		"STRIPE_API_URL":        "localhost:12111",
		"PAYMENT_HOLD_MINUTES":  "10",
		"GEOCODER_URL":          "api.postcodes.io",
		"GEOCODER_TIMEOUT":      "50ms",
		"GEOCODER_CACHE_SIZE":   "-1",
	}
	for name, value := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := LoadConfig(envOf(map[string]string{name: value}))
			if err == nil || !strings.HasPrefix(err.Error(), name+":") {
				t.Errorf("%s=%q: error %v does not name the variable", name, value, err)
			}
		})
	}
}

func TestLoadConfigBaseURLFollowsThePort(t *testing.T) {
	c, err := LoadConfig(envOf(map[string]string{"ADDR": "127.0.0.1:9090"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL.String() != "http://localhost:9090" {
		t.Errorf("base %v", c.BaseURL)
	}
}

func TestLoadConfigPayments(t *testing.T) {
	c, err := LoadConfig(envOf(nil))
	if err != nil || c.CardPayments() || c.PaymentHold != 30*time.Minute {
		t.Fatalf("without a key: payments %v, hold %v, err %v", c.CardPayments(), c.PaymentHold, err)
	}
	c, err = LoadConfig(envOf(map[string]string{"STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_WEBHOOK_SECRET": "whsec_abc",
		"STRIPE_API_URL": "http://127.0.0.1:12111/", "PAYMENT_HOLD_MINUTES": "45"}))
	if err != nil || !c.CardPayments() || c.StripeAPIURL != "http://127.0.0.1:12111" || c.PaymentHold != 45*time.Minute {
		t.Fatalf("with a key: %+v, err %v", c, err)
	}
	// A key without the webhook secret could take payments it never hears
	// about; the error names the missing secret and never the key.
	_, err = LoadConfig(envOf(map[string]string{"STRIPE_SECRET_KEY": "sk_test_secretvalue"}))
	if err == nil || !strings.HasPrefix(err.Error(), "STRIPE_WEBHOOK_SECRET:") || strings.Contains(err.Error(), "secretvalue") {
		t.Errorf("key without webhook secret: %v", err)
	}
	_, err = LoadConfig(envOf(map[string]string{"STRIPE_SECRET_KEY": "pk_live_secretvalue", "STRIPE_WEBHOOK_SECRET": "whsec_x"}))
	if err == nil || strings.Contains(err.Error(), "secretvalue") {
		t.Errorf("a publishable key: %v", err)
	}
}

func TestLoadConfigGeocoder(t *testing.T) {
	c, err := LoadConfig(envOf(nil))
	if err != nil || c.GeocoderURL != "" || c.GeocoderTimeout != 2*time.Second || c.GeocoderCacheSize != 10000 {
		t.Fatalf("defaults: url %q, timeout %v, cache %d, err %v", c.GeocoderURL, c.GeocoderTimeout, c.GeocoderCacheSize, err)
	}
	c, err = LoadConfig(envOf(map[string]string{"GEOCODER_URL": "https://api.postcodes.io/",
		"GEOCODER_TIMEOUT": "500ms", "GEOCODER_CACHE_SIZE": "0"}))
	if err != nil || c.GeocoderURL != "https://api.postcodes.io" || c.GeocoderTimeout != 500*time.Millisecond || c.GeocoderCacheSize != 0 {
		t.Fatalf("set: url %q, timeout %v, cache %d, err %v", c.GeocoderURL, c.GeocoderTimeout, c.GeocoderCacheSize, err)
	}
	tests := []struct {
		name, value string
		ok          bool
	}{
		{"GEOCODER_URL", "http://127.0.0.1:8000/postcodes-io", true},
		{"GEOCODER_URL", "ftp://api.postcodes.io", false},
		{"GEOCODER_URL", "/postcodes", false},
		{"GEOCODER_URL", "https://api.postcodes.io?key=1", false},
		{"GEOCODER_TIMEOUT", "100ms", true},
		{"GEOCODER_TIMEOUT", "30s", true},
		{"GEOCODER_TIMEOUT", "99ms", false},
		{"GEOCODER_TIMEOUT", "31s", false},
		{"GEOCODER_TIMEOUT", "2", false},
		{"GEOCODER_CACHE_SIZE", "1000000", true},
		{"GEOCODER_CACHE_SIZE", "1000001", false},
		{"GEOCODER_CACHE_SIZE", "1.5", false},
	}
	for _, tt := range tests {
		_, err := LoadConfig(envOf(map[string]string{tt.name: tt.value}))
		if tt.ok && err != nil {
			t.Errorf("%s=%q: %v", tt.name, tt.value, err)
		}
		if !tt.ok && (err == nil || !strings.HasPrefix(err.Error(), tt.name+":")) {
			t.Errorf("%s=%q: error %v, want one naming the variable", tt.name, tt.value, err)
		}
	}
}
