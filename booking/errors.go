// Package booking is the domain core of Common Room: the kinds of things that
// can be booked, who books them, the rules their values follow and the typed
// errors every other package maps to its own world. It imports only the
// standard library.
package booking

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors returned by the domain and by stores. The HTTP layer maps
// each one to a status code in a single table.
var (
	// ErrNotFound means the thing asked for does not exist, or the caller may
	// not know that it exists.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the change clashes with the current state, such as a
	// duplicate email address or an overlapping booking.
	ErrConflict = errors.New("conflict")
	// ErrUnauthenticated means the caller must sign in first.
	ErrUnauthenticated = errors.New("sign in required")
	// ErrForbidden means the caller is signed in but may not do this.
	ErrForbidden = errors.New("not allowed")
	// ErrTooManyAttempts means a rate limit was reached.
	ErrTooManyAttempts = errors.New("too many attempts")
)

// FieldError says what is wrong with one named input field, in words a
// person understands.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every field that failed validation.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Problems collects field errors while a value is checked.
type Problems struct {
	fields []FieldError
}

// Add records a problem with a field.
func (p *Problems) Add(field, format string, args ...any) {
	p.fields = append(p.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Has reports whether a problem was already recorded for field.
func (p *Problems) Has(field string) bool {
	for _, f := range p.fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns a *ValidationError when any problem was recorded, else nil.
func (p *Problems) Err() error {
	if len(p.fields) == 0 {
		return nil
	}
	return &ValidationError{Fields: p.fields}
}

// ConflictError is an ErrConflict with a sentence saying what clashed.
type ConflictError struct {
	Detail string
}

func (e *ConflictError) Error() string { return e.Detail }

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// Conflict returns an ErrConflict that explains itself.
func Conflict(format string, args ...any) error {
	return &ConflictError{Detail: fmt.Sprintf(format, args...)}
}

// Invalid is a validation error with one problem.
func Invalid(field, format string, args ...any) error {
	var p Problems
	p.Add(field, format, args...)
	return p.Err()
}
