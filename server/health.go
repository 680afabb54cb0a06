package server

import (
	"context"
	_ "embed"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"sigs.k8s.io/yaml"
)

var errMethodNotAllowed = newBadRequestStatus(http.StatusMethodNotAllowed, "Method not allowed")

// statusError is an error with its own HTTP status, for the few answers
// that are about HTTP itself rather than the domain.
type statusError struct {
	status int
	title  string
}

func (e *statusError) Error() string { return e.title }

func newBadRequestStatus(status int, title string) error { return &statusError{status, title} }

func (s *Server) healthz() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	}
}

// readyz answers 503 while the database does not answer within two seconds.
func (s *Server) readyz() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := s.store.Ping(ctx); err != nil {
			logger(c).Warn("not ready", "err", err)
			c.Header("Content-Type", "application/problem+json")
			c.JSON(http.StatusServiceUnavailable, Problem{
				Type: "about:blank", Title: "Not ready", Status: http.StatusServiceUnavailable,
				Detail: "The database is not reachable.", RequestID: requestID(c),
			})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	}
}

//go:embed openapi.yaml
var openAPIYAML []byte

// openAPIJSON is the API description, converted once from the YAML source.
var openAPIJSON = func() []byte {
	b, err := yaml.YAMLToJSON(openAPIYAML)
	if err != nil {
		panic(errors.Join(errors.New("openapi.yaml"), err))
	}
	return b
}()

func (s *Server) openAPI() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.Data(http.StatusOK, "application/json", openAPIJSON)
	}
}
