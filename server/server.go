package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/server/geocode"
	"github.com/common-room/commonroom/server/payments"
	"github.com/gin-gonic/gin"
)

// Deps are what the HTTP layer needs from the program around it.
type Deps struct {
	Config Config
	Store  *models.Store
	Logger *slog.Logger
	// Secret keys the session token hashes; run resolves it from
	// SESSION_SECRET or the database.
	Secret string
	// Clock is the time source; nil means the wall clock.
	Clock func() time.Time
	// Payments takes card payments; nil builds Stripe's from the
	// configuration, and leaves card payments off without a key.
	Payments payments.Provider
	// Geocoder looks up postcodes; nil builds one from the configuration,
	// and leaves postcode search off without GEOCODER_URL.
	Geocoder geocode.Geocoder
}

// Server holds the dependencies every handler shares. It keeps no state of
// its own between requests: sessions, holds and rate limits live in the
// database, so any number of replicas can serve one database.
type Server struct {
	cfg     Config
	store   *models.Store
	log     *slog.Logger
	secret  []byte
	now     func() time.Time
	metrics *metrics
	pages   *pages
	engine  *gin.Engine
	http    http.Handler

	// bookings makes bookings and series, never letting two overlap.
	bookings *booking.Service
	// payments takes card payments; nil when they are off.
	payments payments.Provider
	// geocoder finds where postcodes are; nil when postcode search is off.
	geocoder geocode.Geocoder
}

// NewServer builds the HTTP handler with every route of the product.
func NewServer(d Deps) (http.Handler, error) {
	s, err := newServer(d)
	if err != nil {
		return nil, err
	}
	return s.http, nil
}

func newServer(d Deps) (*Server, error) {
	if d.Store == nil {
		return nil, fmt.Errorf("server needs a store")
	}
	if len(d.Secret) < 32 {
		return nil, fmt.Errorf("server needs a session secret of at least 32 characters")
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Clock == nil {
		d.Clock = func() time.Time { return time.Now().UTC() }
	}
	if d.Config.BaseURL == nil {
		cfg, err := LoadConfig(func(string) string { return "" })
		if err != nil {
			return nil, err
		}
		cfg.DatabaseURL = d.Config.DatabaseURL
		d.Config.BaseURL = cfg.BaseURL
		if d.Config.ServiceName == "" {
			d.Config.ServiceName = cfg.ServiceName
		}
	}
	s := &Server{
		cfg:    d.Config,
		store:  d.Store,
		log:    d.Logger,
		secret: []byte(d.Secret),
		now:    d.Clock,
	}
	s.bookings = &booking.Service{Store: s.store, Now: s.now}
	switch {
	case d.Payments != nil:
		s.payments = d.Payments
	case s.cfg.CardPayments():
		stripe := payments.NewStripe(s.cfg.StripeSecretKey, s.cfg.StripeAPIURL, nil)
		stripe.Now = s.now
		s.payments = stripe
	}
	switch {
	case d.Geocoder != nil:
		s.geocoder = d.Geocoder
	case s.cfg.GeocoderURL != "":
		s.geocoder = geocode.NewHTTP(s.cfg.GeocoderURL, s.cfg.GeocoderTimeout, s.cfg.GeocoderCacheSize)
	}
	var err error
	if s.metrics, err = newMetrics(d.Store); err != nil {
		return nil, err
	}
	if s.pages, err = newPages(s.cfg); err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	s.engine = gin.New()
	s.engine.ContextWithFallback = true
	s.engine.RedirectTrailingSlash = false
	s.engine.HandleMethodNotAllowed = true
	if err := s.engine.SetTrustedProxies(s.cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("TRUSTED_PROXIES: %w", err)
	}
	s.routes(s.engine)
	s.http = s.engine
	return s, nil
}

// ServeHTTP makes *Server usable directly in tests.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.http.ServeHTTP(w, r) }

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}
