package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/common-room/commonroom/models"
)

// BenchmarkCalendarFeed is an organisation's private feed of 5,000
// bookings through the whole handler, read from the database and written
// out (target: under 50 ms and 20 MB), and the same feed answered 304 to a
// client that has it (which reads no rows). It runs on SQLite, and on
// PostgreSQL too when TEST_DATABASE_URL is set.
func BenchmarkCalendarFeed(b *testing.B) {
	for _, dialect := range benchDialects() {
		srv, store := benchServer(b, dialect)
		seedEstate(b, store, 10, 10, 500)
		var org models.Organisation
		must(b, store.DB.First(&org).Error)
		path, err := srv.newCalendarToken(context.Background(), models.CalendarOwner{OrganisationID: org.ID}, 0)
		must(b, err)
		get := func(h http.Header) *httptest.ResponseRecorder {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, path, nil)
			for k, v := range h {
				req.Header[k] = v
			}
			srv.ServeHTTP(rec, req)
			return rec
		}
		first := get(nil)
		if n := strings.Count(first.Body.String(), "BEGIN:VEVENT"); first.Code != http.StatusOK || n != 5000 {
			b.Fatalf("status %d, %d events", first.Code, n)
		}
		etag := http.Header{"If-None-Match": {first.Header().Get("ETag")}}
		// A client's connection keeps nothing: the timed requests write to
		// a discarding writer, not a recorder that buffers the body.
		serve := func(h http.Header) int {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			for k, v := range h {
				req.Header[k] = v
			}
			w := &discardWriter{header: http.Header{}}
			srv.ServeHTTP(w, req)
			return w.status
		}
		b.Run(dialect+"/200", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if status := serve(nil); status != http.StatusOK {
					b.Fatalf("status %d", status)
				}
			}
			b.ReportMetric(float64(first.Body.Len()), "feed-bytes")
		})
		b.Run(dialect+"/304", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if status := serve(etag); status != http.StatusNotModified {
					b.Fatalf("status %d", status)
				}
			}
		})
	}
}

// discardWriter is a ResponseWriter that keeps the status and drops the
// body.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(p), nil
}

func (w *discardWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}
