package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// checkOpenAPI validates an API response against the OpenAPI document.
func checkOpenAPI(t *testing.T, req *http.Request, reqBody []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
}
