package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/gin-gonic/gin"
)

const (
	idempotencyHeader = "Idempotency-Key"
	replayedHeader    = "Idempotent-Replayed"
	maxIdempotencyKey = 255
	// idempotencyWait is how long a retry waits for the first request with
	// its key to finish before it is told to try again later.
	idempotencyWait = 5 * time.Second
	// idempotencyStale is when a claim whose request never answered (its
	// process died) may be taken over by a retry.
	idempotencyStale = time.Minute
	// idempotencyKept is how long answers are kept for retries.
	idempotencyKept = 24 * time.Hour
)

// storedAnswer is an answer kept for the retries of a request.
type storedAnswer struct {
	ContentType string `json:"content_type"`
	Location    string `json:"location,omitempty"`
	Body        string `json:"body"`
}

// idempotent makes a write handler safe to retry. A request with an
// Idempotency-Key header claims the key for its account; a retry with the
// same key and the same request gets the first answer (status, body and
// Location) and changes nothing; the same key with another request is a
// 422. Answers of 5xx are not kept, so a retry after a failure runs again.
// Keys are kept for a day.
func (s *Server) idempotent(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		key := c.GetHeader(idempotencyHeader)
		who := currentPrincipal(c)
		if key == "" || who == nil {
			h(c)
			return
		}
		if !validIdempotencyKey(key) {
			var p booking.Problems
			p.Add(idempotencyHeader, "Must be 1 to %d visible ASCII characters, such as a UUID", maxIdempotencyKey)
			s.fail(c, p.Err())
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxBody))
		if err != nil {
			s.fail(c, jsonProblem(err))
			return
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.New()
		for _, part := range []string{c.Request.Method, c.Request.URL.Path, c.ContentType()} {
			sum.Write([]byte(part))
			sum.Write([]byte{0})
		}
		sum.Write(body)
		hash := hex.EncodeToString(sum.Sum(nil))

		ctx := c.Request.Context()
		userID := who.User.ID
		claimed, err := s.claimKey(ctx, c, userID, key, hash)
		if err != nil || !claimed {
			if err != nil {
				s.fail(c, err)
			}
			return
		}
		rec := &recordingWriter{ResponseWriter: c.Writer, status: http.StatusOK}
		release := func() { _ = s.store.ReleaseIdempotencyKey(context.WithoutCancel(ctx), userID, key) }
		c.Writer = rec
		defer func() {
			if r := recover(); r != nil {
				// recoverPanics answers, on the real writer; a retry runs
				// again.
				c.Writer = rec.ResponseWriter
				release()
				panic(r)
			}
		}()
		h(c)
		c.Writer = rec.ResponseWriter
		if rec.status >= 500 {
			release() // nothing is kept: a retry runs again
		} else {
			answer, _ := json.Marshal(storedAnswer{
				ContentType: rec.Header().Get("Content-Type"), Location: rec.Header().Get("Location"), Body: rec.body.String(),
			})
			// The work is done whether or not the answer is kept; a keeping
			// failure only means a retry waits for the claim to go stale.
			if err := s.store.FinishIdempotencyKey(context.WithoutCancel(ctx), userID, key, rec.status, string(answer)); err != nil {
				logger(c).Error("keeping an idempotent answer", "err", err)
			}
		}
		c.Writer.WriteHeader(rec.status)
		_, _ = c.Writer.Write(rec.body.Bytes())
	}
}

// claimKey claims the key for this request, or answers the request itself:
// with the first answer, a 422 for a key used for another request, or a
// 409 when the first request is still running after idempotencyWait.
func (s *Server) claimKey(ctx context.Context, c *gin.Context, userID int64, key, hash string) (bool, error) {
	deadline := time.Now().Add(idempotencyWait)
	for {
		got, err := s.store.ClaimIdempotencyKey(ctx, userID, key, hash, s.now(), idempotencyStale)
		switch {
		case err != nil:
			return false, err
		case got == nil:
			return true, nil
		case got.RequestHash != hash:
			var p booking.Problems
			p.Add(idempotencyHeader, "This key was already used for a different request: send a new key with a new request")
			return false, p.Err()
		case got.Status > 0:
			var a storedAnswer
			if err := json.Unmarshal([]byte(got.Response), &a); err != nil {
				return false, err
			}
			c.Header("Content-Type", a.ContentType)
			if a.Location != "" {
				c.Header("Location", a.Location)
			}
			c.Header(replayedHeader, "true")
			c.Status(got.Status)
			_, _ = c.Writer.WriteString(a.Body)
			c.Abort()
			return false, nil
		case time.Now().After(deadline):
			return false, booking.Conflict("A request with this %s is still being processed: try again in a moment", idempotencyHeader)
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func validIdempotencyKey(key string) bool {
	if len(key) > maxIdempotencyKey {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return false
		}
	}
	return true
}

// recordingWriter holds a handler's answer so it can be kept before it is
// sent: a retry that arrives as soon as the client has the answer finds it.
type recordingWriter struct {
	gin.ResponseWriter
	status  int
	written bool
	body    bytes.Buffer
}

func (w *recordingWriter) WriteHeader(code int) {
	if code > 0 && !w.written {
		w.status = code
	}
}

func (w *recordingWriter) WriteHeaderNow() { w.written = true }

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.written = true
	return w.body.Write(b)
}

func (w *recordingWriter) WriteString(s string) (int, error) {
	w.written = true
	return w.body.WriteString(s)
}

func (w *recordingWriter) Status() int { return w.status }

func (w *recordingWriter) Size() int {
	if !w.written {
		return -1
	}
	return w.body.Len()
}

func (w *recordingWriter) Written() bool { return w.written }
