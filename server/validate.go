package server

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// checkText checks a free-text field's presence and length.
func checkText(p *booking.Problems, field, value string, required bool, max int) {
	switch n := utf8.RuneCountInString(value); {
	case required && strings.TrimSpace(value) == "":
		p.Add(field, "Enter %s", humanField(field))
	case n > max:
		p.Add(field, "Must be at most %d characters", max)
	case !utf8.ValidString(value) || strings.ContainsRune(value, 0):
		p.Add(field, "Contains characters that are not allowed")
	}
}

func humanField(field string) string {
	name := strings.ReplaceAll(field, "_", " ")
	switch {
	case strings.HasPrefix(name, "address"), strings.HasPrefix(name, "email"):
		return "an " + name
	}
	return "a " + name
}

// checkRange checks an integer field's bounds.
func checkRange(p *booking.Problems, field string, v, min, max int64) {
	if v < min || v > max {
		p.Add(field, "Must be between %d and %d", min, max)
	}
}

// checkOption checks an enumerated field.
func checkOption(p *booking.Problems, field, value string, opts []booking.Option) {
	for _, o := range opts {
		if o.Value == value {
			return
		}
	}
	p.Add(field, "Must be one of: %s", strings.Join(booking.Values(opts), ", "))
}

// listQuery reads page and per_page from the query string.
func listQuery(c *gin.Context, p *booking.Problems) models.Page {
	page := models.Page{Number: 1, PerPage: defaultPageSize}
	if v := c.Query("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			p.Add("page", "Must be a whole number from 1")
		}
		page.Number = n
	}
	if v := c.Query("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageSize {
			p.Add("per_page", "Must be a whole number from 1 to %d", maxPageSize)
		}
		page.PerPage = n
	}
	return page
}

// queryInt reads an optional whole-number query parameter.
func queryInt(c *gin.Context, p *booking.Problems, name string, min, max int64) int64 {
	v := c.Query(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < min || n > max {
		p.Add(name, "Must be a whole number from %d to %d", min, max)
		return 0
	}
	return n
}

// listJSON is the envelope of every paginated list.
type listJSON[T any] struct {
	Items   []T   `json:"items"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
	Total   int64 `json:"total"`
}

func newList[T any](items []T, page models.Page, total int64) listJSON[T] {
	if items == nil {
		items = []T{}
	}
	return listJSON[T]{Items: items, Page: page.Number, PerPage: page.PerPage, Total: total}
}

func sortIDs(ids []int64) { slices.Sort(ids) }

// pathAndBody reads a write request's path id and JSON body; either
// failing is the error to answer with.
func pathAndBody[T any](c *gin.Context, name string) (int64, T, error) {
	var in T
	id, err := pathID(c, name)
	if err == nil {
		err = decodeJSON(c, &in)
	}
	return id, in, err
}
