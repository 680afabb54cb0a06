package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/common-room/commonroom/booking"
)

// fieldMessage is one entry of the error summary: the id of the input it is
// about (empty when no one input is at fault) and what is wrong.
type fieldMessage struct {
	ID, Message string
}

// formErrors are the problems with a posted form, for the NHS.UK error
// summary and the message next to each input.
type formErrors struct {
	List []fieldMessage
	ByID map[string]string
}

// add records a problem. Only the first problem with an input is kept, so a
// value that could not be read is not also reported by the domain's checks.
func (f *formErrors) add(id, msg string) {
	if id != "" {
		if _, ok := f.ByID[id]; ok {
			return
		}
		if f.ByID == nil {
			f.ByID = map[string]string{}
		}
		f.ByID[id] = msg
	}
	f.List = append(f.List, fieldMessage{ID: id, Message: msg})
}

// any reports whether a problem was recorded.
func (f *formErrors) any() bool { return len(f.List) > 0 }

// formFields says how a form names the domain's fields: the id of each
// field's input, the input a conflict is about, and the form's own words
// for an empty required field or a choice that is not one of the options.
type formFields struct {
	id       func(field string) string
	conflict string
	words    map[string]string
}

// addDomain records a domain function's validation error field by field
// under the inputs' ids, or a conflict as a problem with ff.conflict. It
// returns the status to re-render the form with, or false when err is
// neither, for renderError.
func (f *formErrors) addDomain(err error, ff formFields) (int, bool) {
	var v *booking.ValidationError
	var ce *booking.ConflictError
	switch {
	case errors.As(err, &v):
		for _, fe := range v.Fields {
			id := ff.id(fe.Field)
			f.add(id, ff.reword(id, fe.Message))
		}
		return http.StatusUnprocessableEntity, true
	case errors.As(err, &ce):
		f.add(ff.conflict, ce.Detail)
		return http.StatusConflict, true
	}
	return 0, false
}

// reword puts the domain's generic messages, like "Enter a name" or "Must
// be one of: hour, day, season", in the form's words; specific messages
// (with an example after a comma, or a number) stay as they are.
func (ff formFields) reword(id, msg string) string {
	w, ok := ff.words[id]
	switch {
	case !ok:
	case strings.HasPrefix(msg, "Must be one of"):
		return w
	case strings.HasPrefix(msg, "Enter ") && !strings.ContainsAny(msg, ",0123456789"):
		return w
	}
	return msg
}

// inOrder sorts the problems into the order of the form's inputs, so the
// error summary reads like the form.
func (f *formErrors) inOrder(ids ...string) {
	pos := func(id string) int {
		if i := slices.Index(ids, id); i >= 0 {
			return i
		}
		return len(ids)
	}
	slices.SortStableFunc(f.List, func(a, b fieldMessage) int { return pos(a.ID) - pos(b.ID) })
}

// subfield strips a domain field name down to its last part:
// "accessibility.parking_notes" becomes "parking_notes", "features[2]"
// becomes "features".
func subfield(field string) string {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i]
	}
	return field
}

// formInt reads a whole number typed into a form. A problem is recorded
// under id, naming the value as what ("the capacity"), and nil returned.
func formInt(errs *formErrors, id, value, what string) *int {
	v := strings.TrimSpace(value)
	if v == "" {
		errs.add(id, "Enter "+what)
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		errs.add(id, upperFirst(strings.TrimPrefix(what, "the "))+" must be a whole number, like 12")
		return nil
	}
	return &n
}

// formFloat reads an optional decimal number; empty gives nil.
func formFloat(errs *formErrors, id, value, msg string) *float64 {
	v := strings.TrimSpace(value)
	if v == "" {
		return nil
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil {
		errs.add(id, msg)
		return nil
	}
	return &n
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func ptr[T any](v T) *T { return &v }

// checkItem is one checkbox of a group.
type checkItem struct {
	ID, Name, Value, Label, Hint string
	Checked                      bool
}
