package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/server/payments"
	"github.com/gin-gonic/gin"
)

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type      string               `json:"type"`
	Title     string               `json:"title"`
	Status    int                  `json:"status"`
	Detail    string               `json:"detail,omitempty"`
	Instance  string               `json:"instance,omitempty"`
	RequestID string               `json:"request_id,omitempty"`
	Errors    []booking.FieldError `json:"errors,omitempty"`
	// Conflict is the interval already taken, for a booking that clashes.
	// It never says whose booking that is.
	Conflict *intervalJSON `json:"conflict,omitempty"`
	// Dates are the dates of a series that could not be booked, and why.
	Dates []unbookedJSON `json:"dates,omitempty"`
}

// intervalJSON is a half-open interval of time.
// Its instants are written out here, in UTC as encoding/json writes a
// time.Time, because an availability search answers with thousands of
// them and encoding/json checks the output of every MarshalJSON again.
type intervalJSON struct {
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
}

func toIntervalJSON(iv booking.Interval) intervalJSON {
	return intervalJSON{StartsAt: iv.Start.UTC().Format(time.RFC3339Nano), EndsAt: iv.End.UTC().Format(time.RFC3339Nano)}
}

// unbookedJSON is a date of a series that was not booked.
type unbookedJSON struct {
	Date   string `json:"date"`
	Reason string `json:"reason"`
	Closed bool   `json:"closed"`
}

func toUnbookedJSON(us []booking.Unbooked) []unbookedJSON {
	out := make([]unbookedJSON, len(us))
	for i, u := range us {
		out[i] = unbookedJSON{Date: u.Date.String(), Reason: u.Reason, Closed: u.Closed}
	}
	return out
}

// problemTypes is the single table from domain errors to HTTP answers. The
// first entry that matches with errors.Is wins; anything unmatched is a 500
// whose detail is logged, not shown.
var problemTypes = []struct {
	err    error
	status int
	title  string
}{
	{booking.ErrNotFound, http.StatusNotFound, "Not found"},
	{booking.ErrConflict, http.StatusConflict, "Conflict"},
	{booking.ErrUnauthenticated, http.StatusUnauthorized, "Sign in required"},
	{booking.ErrForbidden, http.StatusForbidden, "Not allowed"},
	{booking.ErrTooManyAttempts, http.StatusTooManyRequests, "Too many attempts"},
	{errBadRequest, http.StatusBadRequest, "Bad request"},
}

// errBadRequest marks a request the server cannot read at all, such as
// malformed JSON or an unknown field.
var errBadRequest = errors.New("bad request")

// badRequest is an errBadRequest that names the fields at fault, if any.
type badRequest struct {
	detail string
	fields []booking.FieldError
}

func (e *badRequest) Error() string { return e.detail }
func (e *badRequest) Unwrap() error { return errBadRequest }

func newBadRequest(detail string, fields ...booking.FieldError) error {
	return &badRequest{detail: detail, fields: fields}
}

// problemFor turns an error into a problem body, with the detail a client
// may see.
func problemFor(err error) Problem {
	var v *booking.ValidationError
	if errors.As(err, &v) {
		return Problem{
			Type:   "about:blank",
			Title:  "Some of the information is not valid",
			Status: http.StatusUnprocessableEntity,
			Detail: "Check the fields listed in errors.",
			Errors: v.Fields,
		}
	}
	var clash *booking.ClashError
	if errors.As(err, &clash) {
		iv := toIntervalJSON(clash.With)
		return Problem{Type: "about:blank", Title: "Conflict", Status: http.StatusConflict,
			Detail: "The space is already booked for part of that time.", Conflict: &iv}
	}
	var series *booking.SeriesConflictError
	if errors.As(err, &series) {
		return Problem{Type: "about:blank", Title: "Conflict", Status: http.StatusConflict,
			Detail: series.Error(), Dates: toUnbookedJSON(series.Dates)}
	}
	if errors.Is(err, booking.ErrOutsideOpeningHours) {
		return Problem{Type: "about:blank", Title: "Some of the information is not valid", Status: http.StatusUnprocessableEntity,
			Detail: "The space is not open for all of that time.",
			Errors: []booking.FieldError{{Field: "starts_at", Message: "The space is closed for some or all of that time: choose a time within its opening hours"}}}
	}
	var pe *payments.Error
	if errors.As(err, &pe) {
		// The card payment service failed or refused: nothing was kept,
		// and the error (without any secret) is logged.
		return Problem{Type: "about:blank", Title: "The card payment service could not be reached", Status: http.StatusBadGateway,
			Detail: "Nothing was charged or changed. Try again in a few minutes."}
	}
	var se *statusError
	if errors.As(err, &se) {
		return Problem{Type: "about:blank", Title: se.title, Status: se.status}
	}
	for _, pt := range problemTypes {
		if errors.Is(err, pt.err) {
			p := Problem{Type: "about:blank", Title: pt.title, Status: pt.status}
			var br *badRequest
			var ce *booking.ConflictError
			switch {
			case errors.As(err, &br):
				p.Detail, p.Errors = br.detail, br.fields
			case errors.As(err, &ce):
				p.Detail = ce.Detail
			case err != pt.err:
				p.Detail = err.Error()
			}
			return p
		}
	}
	return Problem{
		Type:   "about:blank",
		Title:  "Something went wrong on our side",
		Status: http.StatusInternalServerError,
		Detail: "The error has been logged. Try again, and tell the estates team if it keeps happening.",
	}
}

// writeProblem answers an API request with a problem body.
func writeProblem(c *gin.Context, err error) {
	p := problemFor(err)
	if p.Status >= 500 {
		logger(c).Error("request failed", "err", err)
	}
	p.Instance = c.Request.URL.Path
	p.RequestID = requestID(c)
	if p.Status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="commonroom"`)
	}
	c.Header("Content-Type", "application/problem+json")
	c.Status(p.Status)
	if c.Request.Method == http.MethodHead {
		return
	}
	_ = json.NewEncoder(c.Writer).Encode(p)
	c.Abort()
}

func logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(loggerKey); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

// maxBody is the largest JSON body the API reads.
const maxBody = 1 << 20

// decodeJSON reads exactly one JSON object into dst, rejecting unknown
// fields, wrong types and trailing data with errors that name the field.
func decodeJSON(c *gin.Context, dst any) error {
	if ct := c.ContentType(); ct != "application/json" && ct != "" {
		return newBadRequest("Send the body as application/json.")
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonProblem(err)
	}
	if dec.More() {
		return newBadRequest("The body must hold one JSON object and nothing after it.")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return newBadRequest("The body must hold one JSON object and nothing after it.")
	}
	// PostgreSQL cannot store NUL characters in text, and no field needs them.
	var p booking.Problems
	findNUL(&p, "", reflect.ValueOf(dst))
	return p.Err()
}

// findNUL records every string field under v that holds a NUL character,
// naming it by its JSON path (name, accessibility.notes, features[0]).
func findNUL(p *booking.Problems, path string, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			findNUL(p, path, v.Elem())
		}
	case reflect.String:
		if strings.ContainsRune(v.String(), 0) {
			p.Add(path, "Must not contain NUL characters")
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			findNUL(p, fmt.Sprintf("%s[%d]", path, i), v.Index(i))
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				findNUL(p, path, v.Field(i))
				continue
			}
			if name == "" {
				name = f.Name
			}
			if path != "" {
				name = path + "." + name
			}
			findNUL(p, name, v.Field(i))
		}
	}
}

func jsonProblem(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return newBadRequest("The request body is empty: send a JSON object.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return newBadRequest("The JSON in the request body ends too early.")
	case errors.As(err, &syntax):
		return newBadRequest(fmt.Sprintf("The request body is not valid JSON (at byte %d): %s.", syntax.Offset, syntax.Error()))
	case errors.As(err, &tooBig):
		return newBadRequest(fmt.Sprintf("The request body is larger than %d bytes.", tooBig.Limit))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return newBadRequest("The request body must be a JSON object.")
		}
		return &booking.ValidationError{Fields: []booking.FieldError{{Field: field, Message: "Must be " + describeType(typ.Type.String())}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return newBadRequest(fmt.Sprintf("The field %q is not part of this request.", name),
			booking.FieldError{Field: name, Message: "Unknown field"})
	}
	return newBadRequest("The request body could not be read: " + err.Error())
}

func describeType(goType string) string {
	goType = strings.TrimPrefix(goType, "*")
	switch {
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "a whole number"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "string":
		return "text"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["), strings.Contains(goType, "."):
		return "an object"
	}
	return "of type " + goType
}
