package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/common-room/commonroom/seeds"
)

// BenchmarkSessionSearch is a link worker's search through the whole
// handler: 5,000 sessions at 200 buildings, a word and a distance (target:
// a median under 20 ms), and the same without filters, ranked by date. It
// runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.
func BenchmarkSessionSearch(b *testing.B) {
	for _, dialect := range benchDialects() {
		srv, store := benchServer(b, dialect)
		must(b, seeds.LoadSessions(context.Background(), store, seeds.SessionLoad{
			Sites: 200, Listings: 5000, Dates: 12, First: testClock.AddDate(0, 0, 7)}))
		if dialect == "postgres" {
			must(b, store.DB.Exec("ANALYZE").Error)
		}
		for _, c := range []struct{ name, query string }{
			{"words-and-distance", "q=walk&near=53.4106,-2.1575&within_km=5"},
			{"everything", ""},
		} {
			path := "/api/v1/sessions?" + c.query
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			var got listJSON[sessionJSON]
			if err := json.Unmarshal(rec.Body.Bytes(), &got); rec.Code != http.StatusOK || err != nil || got.Total == 0 {
				b.Fatalf("%s: status %d, %d found, %v", path, rec.Code, got.Total, err)
			}
			b.Run(dialect+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					w := &discardWriter{header: http.Header{}}
					srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
					if w.status != http.StatusOK {
						b.Fatalf("status %d", w.status)
					}
				}
				b.ReportMetric(float64(got.Total), "found")
			})
		}
	}
}
