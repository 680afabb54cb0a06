// Package geocode turns UK postcodes into coordinates, for the postcode
// search of the groups directory. It asks a postcodes.io-compatible service
// and keeps its answers in a small in-memory cache.
package geocode

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/common-room/commonroom/booking"
)

// Point is a position in WGS84 degrees.
type Point struct{ Latitude, Longitude float64 }

// Geocoder finds where a postcode is.
type Geocoder interface {
	// Postcode returns the position of a UK postcode, written in any case
	// and spacing. Its errors are ErrInvalid, ErrNotFound or ErrUnavailable.
	Postcode(ctx context.Context, postcode string) (Point, error)
}

var (
	// ErrInvalid means the text is not in the format of a UK postcode.
	ErrInvalid = errors.New("geocode: not a UK postcode")
	// ErrNotFound means the service knows no position for the postcode.
	ErrNotFound = errors.New("geocode: postcode not found")
	// ErrUnavailable is wrapped by errors for lookups that got no usable
	// answer: a timeout, a network error, a refusal or an unreadable reply.
	// A caller giving up (its context ending) is one too, and errors.Is
	// reports the context's error through it.
	ErrUnavailable = errors.New("geocode: postcode lookup unavailable")
)

const (
	defaultTimeout = 2 * time.Second
	// maxBody is far more than an answer about one postcode needs; it
	// stops a misbehaving service from making us read without end.
	maxBody = 64 << 10
	// Postcodes rarely move, but some are added and a few retired each
	// month, so an answer that a postcode is unknown is kept briefly.
	foundTTL    = 30 * 24 * time.Hour
	notFoundTTL = time.Hour
)

// HTTP is a Geocoder that asks a postcodes.io-compatible service. Found and
// not-found answers are cached; failures are not. It is safe for concurrent
// use, and concurrent lookups of one postcode share a single request.
type HTTP struct {
	baseURL string
	timeout time.Duration
	client  *http.Client
	now     func() time.Time

	mu    sync.Mutex
	calls map[string]*call // lookups in flight, by normalised postcode
	size  int              // most entries the cache holds; 0 means no cache
	lru   *list.List       // of *entry, most recently used first
	byKey map[string]*list.Element
}

var _ Geocoder = (*HTTP)(nil)

// call is one upstream lookup that every concurrent asker waits for.
type call struct {
	done  chan struct{} // closed when point and err are set
	point Point
	err   error
}

// entry is a cached answer: a point, or ErrNotFound.
type entry struct {
	postcode string
	point    Point
	err      error
	expires  time.Time
}

// NewHTTP returns a Geocoder for the service at baseURL, such as
// https://api.postcodes.io. Each request to it may take up to timeout
// (2 seconds if timeout is not positive), and up to cacheSize answers are
// kept, the least recently used going first; 0 means none.
func NewHTTP(baseURL string, timeout time.Duration, cacheSize int) *HTTP {
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	return &HTTP{
		baseURL: strings.TrimRight(baseURL, "/"),
		timeout: timeout,
		client:  &http.Client{},
		now:     time.Now,
		calls:   map[string]*call{},
		size:    max(cacheSize, 0),
		lru:     list.New(),
		byKey:   map[string]*list.Element{},
	}
}

// Postcode returns the position of postcode, from the cache or the service.
func (h *HTTP) Postcode(ctx context.Context, postcode string) (Point, error) {
	pc, ok := booking.NormalisePostcode(postcode)
	if !ok {
		return Point{}, ErrInvalid
	}
	h.mu.Lock()
	if e, ok := h.cached(pc); ok {
		h.mu.Unlock()
		return e.point, e.err
	}
	if err := ctx.Err(); err != nil {
		h.mu.Unlock()
		return Point{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	c, ok := h.calls[pc]
	if !ok {
		c = &call{done: make(chan struct{})}
		h.calls[pc] = c
		// The lookup is not tied to this caller's cancellation: others may
		// be waiting for it, and its answer is worth caching.
		go h.fetch(context.WithoutCancel(ctx), pc, c)
	}
	h.mu.Unlock()
	select {
	case <-c.done:
		return c.point, c.err
	case <-ctx.Done():
		return Point{}, fmt.Errorf("%w: %w", ErrUnavailable, ctx.Err())
	}
}

// fetch asks the service about pc, caches the answer and hands it to every
// caller waiting on c.
func (h *HTTP) fetch(ctx context.Context, pc string, c *call) {
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	c.point, c.err = h.lookup(ctx, pc)
	h.mu.Lock()
	// Cached before the call is forgotten, so a caller arriving now finds
	// one or the other and never asks the service again.
	if c.err == nil || c.err == ErrNotFound {
		h.remember(pc, c.point, c.err)
	}
	delete(h.calls, pc)
	h.mu.Unlock()
	close(c.done)
}

// lookup makes one request for pc. Its errors never carry the request's
// URL, which may hold credentials for the service.
func (h *HTTP) lookup(ctx context.Context, pc string) (Point, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.baseURL+"/postcodes/"+url.PathEscape(pc), nil)
	if err != nil {
		return Point{}, fmt.Errorf("%w: the service's URL is not valid", ErrUnavailable)
	}
	req.Header.Set("User-Agent", "CommonRoom")
	req.Header.Set("Accept", "application/json")
	resp, err := h.client.Do(req)
	if err != nil {
		if uerr, ok := errors.AsType[*url.Error](err); ok {
			err = uerr.Err
		}
		return Point{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	body := io.LimitReader(resp.Body, maxBody)
	// Read what is left, so the connection can be used again.
	defer io.Copy(io.Discard, body)

	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return Point{}, ErrNotFound
	default:
		return Point{}, fmt.Errorf("%w: the service answered %d", ErrUnavailable, resp.StatusCode)
	}
	var answer struct {
		Result *struct {
			// postcodes.io gives null coordinates for the few postcodes
			// it has no grid reference for.
			Latitude  *float64 `json:"latitude"`
			Longitude *float64 `json:"longitude"`
		} `json:"result"`
	}
	if err := json.NewDecoder(body).Decode(&answer); err != nil {
		return Point{}, fmt.Errorf("%w: reading the answer: %w", ErrUnavailable, err)
	}
	r := answer.Result
	switch {
	case r == nil:
		return Point{}, fmt.Errorf("%w: the answer has no result", ErrUnavailable)
	case r.Latitude == nil || r.Longitude == nil:
		return Point{}, ErrNotFound
	case *r.Latitude < -90 || *r.Latitude > 90 || *r.Longitude < -180 || *r.Longitude > 180:
		return Point{}, fmt.Errorf("%w: the answer's position is out of range", ErrUnavailable)
	}
	return Point{Latitude: *r.Latitude, Longitude: *r.Longitude}, nil
}

// cached returns the unexpired cache entry for pc, marking it recently
// used. h.mu must be held.
func (h *HTTP) cached(pc string) (*entry, bool) {
	el, ok := h.byKey[pc]
	if !ok {
		return nil, false
	}
	e := el.Value.(*entry)
	if !h.now().Before(e.expires) {
		h.lru.Remove(el)
		delete(h.byKey, pc)
		return nil, false
	}
	h.lru.MoveToFront(el)
	return e, true
}

// remember caches an answer for pc, evicting the least recently used entry
// when the cache is full. h.mu must be held.
func (h *HTTP) remember(pc string, p Point, err error) {
	if h.size == 0 {
		return
	}
	ttl := foundTTL
	if err != nil {
		ttl = notFoundTTL
	}
	e := &entry{postcode: pc, point: p, err: err, expires: h.now().Add(ttl)}
	if el, ok := h.byKey[pc]; ok {
		el.Value = e
		h.lru.MoveToFront(el)
		return
	}
	h.byKey[pc] = h.lru.PushFront(e)
	if h.lru.Len() > h.size {
		oldest := h.lru.Back()
		h.lru.Remove(oldest)
		delete(h.byKey, oldest.Value.(*entry).postcode)
	}
}
