package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// openAPISpec is the API description loaded once for every test that
// checks a response; the loaded document and router are only read after.
var openAPISpec struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

func loadOpenAPI() (*openapi3.T, routers.Router, error) {
	s := &openAPISpec
	s.once.Do(func() {
		loader := openapi3.NewLoader()
		if s.doc, s.err = loader.LoadFromData(openAPIJSON); s.err != nil {
			return
		}
		if s.err = s.doc.Validate(loader.Context); s.err != nil {
			return
		}
		s.router, s.err = gorillamux.NewRouter(s.doc)
	})
	return s.doc, s.router, s.err
}

// responseOptions make an undocumented status an error, report every
// mismatch in a body, and name each one by its place in the body without
// repeating the schema.
var responseOptions = func() *openapi3filter.Options {
	o := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	o.WithCustomSchemaErrorFunc(func(err *openapi3.SchemaError) string {
		return fmt.Sprintf("at /%s: %s", strings.Join(err.JSONPointer(), "/"), err.Reason)
	})
	return o
}()

// undocumentedAnswers are the statuses the server gives a path or method it
// does not route: a bad bearer token and cross-origin writes are refused
// before routing, and gin answers 404 or 405. TestOpenAPICoversEveryRoute
// makes sure no registered route is missing from the document, so these are
// the only answers such a request can get.
var undocumentedAnswers = []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusMethodNotAllowed}

// checkOpenAPI validates an API response against the OpenAPI document.
// Requests are not validated, because tests send invalid ones on purpose.
func checkOpenAPI(t *testing.T, req *http.Request, reqBody []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	if err := validateResponse(req, rec); err != nil {
		t.Errorf("%s %s answered %d: %v\nbody: %s", req.Method, req.URL.RequestURI(), rec.Code, err, rec.Body.Bytes())
	}
}

// validateResponse says how a response differs from the document: the
// route, method and status must be documented, and the content type,
// headers and body must match.
func validateResponse(req *http.Request, rec *httptest.ResponseRecorder) error {
	doc, router, err := loadOpenAPI()
	if err != nil {
		return fmt.Errorf("openapi.yaml: %w", err)
	}
	body := rec.Body.Bytes()
	if rec.Header().Get("Content-Type") == "application/problem+json" {
		var p struct{ Status int }
		if err := json.Unmarshal(body, &p); err != nil {
			return fmt.Errorf("problem body is not JSON: %w", err)
		}
		if p.Status != rec.Code {
			return fmt.Errorf("problem body's status is %d, not the response's", p.Status)
		}
	}
	route, pathParams, err := router.FindRoute(req)
	if err != nil {
		if !slices.Contains(undocumentedAnswers, rec.Code) {
			return fmt.Errorf("the OpenAPI document has no such operation (%w)", err)
		}
		return matchProblem(doc, rec)
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Options:                responseOptions,
	}
	input.SetBodyBytes(body)
	op := route.Operation.OperationID
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if resp := route.Operation.Responses.Status(rec.Code); resp != nil && len(resp.Value.Content) == 0 && len(body) > 0 {
		return fmt.Errorf("%s: documented without a body, but sent one", op)
	}
	return nil
}

// matchProblem validates a problem body against the Problem schema.
func matchProblem(doc *openapi3.T, rec *httptest.ResponseRecorder) error {
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		return fmt.Errorf("content type %q, want application/problem+json", ct)
	}
	var v any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		return fmt.Errorf("body is not JSON: %w", err)
	}
	if err := doc.Components.Schemas["Problem"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.VisitAsResponse()); err != nil {
		return fmt.Errorf("body does not match Problem: %w", err)
	}
	return nil
}

func mustLoadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, _, err := loadOpenAPI()
	if err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	return doc
}

func TestOpenAPIDocument(t *testing.T) {
	doc := mustLoadOpenAPI(t)
	if doc.OpenAPI != "3.1.0" || !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi is %q, want 3.1.0", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Errorf("openapi.yaml is not a valid OpenAPI document: %v", err)
	}
	e := newEnv(t, models.SQLite)
	r := e.get("/api/v1/openapi.json", anonymous).wantStatus(http.StatusOK)
	if ct := r.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("content type %q, want application/json", ct)
	}
	if !bytes.Equal(r.Body.Bytes(), openAPIJSON) {
		t.Error("served document differs from openapi.yaml")
	}
	if !json.Valid(r.Body.Bytes()) {
		t.Error("served document is not JSON")
	}
}

// TestOpenAPICatchesDrift makes sure the response check fails when a
// handler and the document disagree.
func TestOpenAPICatchesDrift(t *testing.T) {
	site := func(change func(map[string]any)) string {
		s := map[string]any{
			"id": 1, "name": "Hunter Street Health Centre", "address_line1": "1 High Street", "address_line2": "",
			"town": "Stockport", "postcode": "SK1 1AA", "latitude": 53.4, "longitude": -2.1, "description": "",
			"opening_hours": "", "managers": []any{map[string]any{"id": 2, "name": "Estates manager"}},
			"accessibility": map[string]any{"step_free": true, "accessible_toilet": false, "changing_places": false,
				"hearing_loop": false, "parking": false, "parking_notes": "", "public_transport": ""},
			"created_at": "2026-11-21T10:00:00Z", "updated_at": "2026-11-21T10:00:00Z",
		}
		if change != nil {
			change(s)
		}
		b, _ := json.Marshal(s)
		return string(b)
	}
	list := func(extra string) string {
		return `{"items":[` + site(nil) + `],"page":1,"per_page":50,"total":1` + extra + `}`
	}
	problem := func(status int, extra string) string {
		return fmt.Sprintf(`{"type":"about:blank","title":"T","status":%d%s}`, status, extra)
	}
	const (
		js          = "application/json"
		pj          = "application/problem+json"
		bearer      = `Bearer realm="commonroom"`
		fieldErrors = `,"errors":[{"field":"name","message":"Enter a name"}]`
	)
	for _, c := range []struct {
		name, method, path string
		status             int
		contentType, body  string
		header             http.Header
		ok                 bool
	}{
		{"a site", "GET", "/api/v1/sites/1", 200, js, site(nil), nil, true},
		{"a site without coordinates", "GET", "/api/v1/sites/1", 200, js, site(func(s map[string]any) { s["latitude"], s["longitude"] = nil, nil }), nil, true},
		{"a number sent as text", "GET", "/api/v1/sites/1", 200, js, site(func(s map[string]any) { s["latitude"] = "53.4" }), nil, false},
		{"an undocumented field", "GET", "/api/v1/sites/1", 200, js, site(func(s map[string]any) { s["secret"] = true }), nil, false},
		{"a missing field", "GET", "/api/v1/sites/1", 200, js, site(func(s map[string]any) { delete(s, "town") }), nil, false},
		{"a nested undocumented field", "GET", "/api/v1/sites/1", 200, js, site(func(s map[string]any) {
			s["managers"] = []any{map[string]any{"id": 2, "name": "M", "email": "m@example.org"}}
		}), nil, false},
		{"a date that is not a date", "GET", "/api/v1/sites/1", 200, js, site(func(s map[string]any) { s["created_at"] = "yesterday" }), nil, false},
		{"a list", "GET", "/api/v1/sites", 200, js, list(""), nil, true},
		{"a list with an undocumented field", "GET", "/api/v1/sites", 200, js, list(`,"next":2`), nil, false},
		{"an undocumented status", "GET", "/api/v1/sites/1", 500, pj, problem(500, ""), nil, false},
		{"a status documented for another operation", "GET", "/api/v1/sites/1", 201, js, site(nil), nil, false},
		{"the wrong content type", "GET", "/api/v1/sites/1", 200, "text/html", "<p>hi</p>", nil, false},
		{"no body", "GET", "/api/v1/sites/1", 200, js, "", nil, false},
		{"a body on 204", "DELETE", "/api/v1/tokens/1", 204, js, "{}", nil, false},
		{"no body on 204", "DELETE", "/api/v1/tokens/1", 204, "", "", nil, true},
		{"a validation problem", "PATCH", "/api/v1/sites/1", 422, pj, problem(422, fieldErrors), nil, true},
		{"a validation problem without fields", "PATCH", "/api/v1/sites/1", 422, pj, problem(422, ""), nil, false},
		{"a problem with the wrong status", "GET", "/api/v1/sites/1", 404, pj, problem(400, ""), nil, false},
		{"a problem with an undocumented field", "GET", "/api/v1/sites/1", 404, pj, problem(404, `,"stack":"x"`), nil, false},
		{"401 with its challenge", "GET", "/api/v1/me", 401, pj, problem(401, ""), http.Header{"Www-Authenticate": {bearer}}, true},
		{"401 without its challenge", "GET", "/api/v1/me", 401, pj, problem(401, ""), nil, false},
		{"201 without Location", "POST", "/api/v1/sites", 201, js, site(nil), nil, false},
		{"201 with Location", "POST", "/api/v1/sites", 201, js, site(nil), http.Header{"Location": {"/api/v1/sites/1"}}, true},
		{"an undocumented route", "GET", "/api/v1/payments", 200, js, "{}", nil, false},
		{"an undocumented method", "PUT", "/api/v1/sites/1", 200, js, site(nil), nil, false},
		{"no such route", "GET", "/api/v1/payments", 404, pj, problem(404, ""), nil, true},
		{"no such method", "PUT", "/api/v1/sites/1", 405, pj, problem(405, ""), nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			for k, v := range c.header {
				rec.Header()[k] = v
			}
			if c.contentType != "" {
				rec.Header().Set("Content-Type", c.contentType)
			}
			rec.WriteHeader(c.status)
			rec.WriteString(c.body)
			err := validateResponse(httptest.NewRequest(c.method, c.path, nil), rec)
			if c.ok && err != nil {
				t.Errorf("refused: %v", err)
			}
			if !c.ok && err == nil {
				t.Error("accepted")
			}
		})
	}
}

func TestOpenAPICoversEveryRoute(t *testing.T) {
	doc := mustLoadOpenAPI(t)
	e := newEnv(t, models.SQLite)
	param := regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)
	registered := map[string]bool{}
	for _, r := range e.srv.engine.Routes() {
		if strings.HasPrefix(r.Path, "/api/") {
			registered[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
		}
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	for _, op := range slices.Sorted(maps.Keys(registered)) {
		if !documented[op] {
			t.Errorf("%s is a route but not in openapi.yaml", op)
		}
	}
	for _, op := range slices.Sorted(maps.Keys(documented)) {
		if !registered[op] {
			t.Errorf("%s is in openapi.yaml but not a route", op)
		}
	}
}

// TestOpenAPIEnumsMatchDomain keeps the documented enums equal to the
// domain's lists of values, in order.
func TestOpenAPIEnumsMatchDomain(t *testing.T) {
	doc := mustLoadOpenAPI(t)
	for name, opts := range map[string][]booking.Option{
		"SpaceKind":         booking.SpaceKinds,
		"BookingUnit":       booking.BookingUnits,
		"ApprovalMode":      booking.ApprovalModes,
		"Visibility":        booking.Visibilities,
		"OrganisationType":  booking.OrganisationTypes,
		"VerificationState": booking.VerificationStates,
		"MemberRole":        booking.MemberRoles,
		"AccountRole":       booking.AccountRoles,
		"IdentifierScheme":  booking.IdentifierSchemes,
		"BookingState":      booking.States,
		"Purpose":           booking.Purposes,
		"SeriesPolicy":      booking.Policies,
		"Frequency":         booking.Frequencies,
		"RentGrouping":      models.RentGroupings,
	} {
		ref := doc.Components.Schemas[name]
		if ref == nil {
			t.Errorf("no schema %s", name)
			continue
		}
		var got []string
		for _, v := range ref.Value.Enum {
			got = append(got, fmt.Sprint(v))
		}
		if want := booking.Values(opts); !slices.Equal(got, want) {
			t.Errorf("%s enum is %v, want %v", name, got, want)
		}
	}
}

// TestOpenAPISchemasMatchGoTypes compares the documented request and
// response objects with the Go structs the handlers decode and encode: the
// same field names and JSON types, every object closed to unknown fields
// (the server refuses them in requests), and in responses, fields that are
// always sent are required and pointers may be null. Responses are checked
// value by value whenever a test calls the API, but that cannot see a
// documented field that no handler sends, nor a request schema.
func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	doc := mustLoadOpenAPI(t)
	requests := map[string]any{
		"createSite":         siteInput{},
		"updateSite":         siteInput{},
		"createSpace":        spaceInput{},
		"updateSpace":        spaceInput{},
		"register":           registerRequest{},
		"login":              loginRequest{},
		"createToken":        createTokenRequest{},
		"createOrganisation": organisationInput{},
		"verifyOrganisation": verificationRequest{},
		"addMember":          addMemberRequest{},
		"createBooking":      bookingInput{},
		"approveBooking":     bookingChangeInput{},
		"declineBooking":     bookingChangeInput{},
		"cancelBooking":      bookingChangeInput{},
		"createSeries":       seriesInput{},
		"cancelSeries":       seriesCancelInput{},
		// Opening hours and closures.
		"setSiteOpeningHours":  siteOpeningHoursInput{},
		"setSpaceOpeningHours": spaceOpeningHoursInput{},
		"createClosure":        closureInput{},
		// Rent.
		"createQuote":         bookingInput{},
		"setEstateRentPolicy": estateRentPolicyInput{},
		"setSiteRentPolicy":   siteRentPolicyInput{},
		// Invoices.
		"markInvoicePaid": invoicePaidInput{},
		// Sessions.
		"publishSession": sessionInput{},
		"updateSession":  sessionInput{},
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			in, ok := requests[op.OperationID]
			delete(requests, op.OperationID)
			switch {
			case op.RequestBody == nil && ok:
				t.Errorf("%s %s (%s) has no request body", method, path, op.OperationID)
			case op.RequestBody == nil:
			case !ok:
				t.Errorf("%s %s (%s): add its input struct to this test", method, path, op.OperationID)
			default:
				mt := op.RequestBody.Value.Content.Get("application/json")
				if mt == nil {
					t.Errorf("%s: request body is not application/json", op.OperationID)
					continue
				}
				compareSchema(t, op.OperationID, mt.Schema, reflect.TypeOf(in), false)
			}
		}
	}
	for id := range requests {
		t.Errorf("no operation %s", id)
	}
	for name, out := range map[string]any{
		"Site":             siteJSON{},
		"Space":            spaceJSON{},
		"Organisation":     organisationJSON{},
		"Member":           memberJSON{},
		"Me":               meJSON{},
		"Token":            tokenJSON{},
		"Problem":          Problem{},
		"SiteList":         listJSON[siteJSON]{},
		"SpaceList":        listJSON[spaceJSON]{},
		"OrganisationList": listJSON[organisationJSON]{},
		"Booking":          bookingJSON{},
		"BookingEvent":     bookingEventJSON{},
		"BookingList":      listJSON[bookingJSON]{},
		"Series":           seriesJSON{},
		"Recurrence":       recurrenceJSON{},
		"Occurrence":       occurrenceJSON{},
		// Opening hours, closures and availability.
		"OpeningWindow":      openingWindowJSON{},
		"SiteOpeningHours":   siteOpeningHoursJSON{},
		"SpaceOpeningHours":  spaceOpeningHoursJSON{},
		"SpaceAvailability":  spaceAvailabilityJSON{},
		"AvailableSpace":     availableSpaceJSON{},
		"AvailabilitySearch": availabilitySearchJSON{},
		"Closure":            closureJSON{},
		"ClosureList":        listJSON[closureJSON]{},
		"NewClosure":         closureCreatedJSON{},
		"AffectedBooking":    affectedBookingJSON{},
		// Rent.
		"RentRule":                rentRuleJSON{},
		"EstateRentPolicy":        estateRentPolicyJSON{},
		"EstateRentPolicyHistory": rentPolicyHistoryJSON[estateRentPolicyJSON]{},
		"SiteRentPolicy":          siteRentPolicyJSON{},
		"SiteRentPolicyHistory":   rentPolicyHistoryJSON[siteRentPolicyJSON]{},
		"Price":                   priceJSON{},
		"PricePart":               pricePartJSON{},
		"QuoteLine":               quoteLineJSON{},
		"Quote":                   quoteJSON{},
		"RentReport":              rentReportJSON{},
		"RentGroup":               rentGroupJSON{},
		"RentFigures":             rentFiguresJSON{},
		// Invoices.
		"InvoiceReport":       invoiceReportJSON{},
		"Invoice":             invoiceJSON{},
		"InvoiceOrganisation": invoiceOrganisationJSON{},
		"InvoiceFigures":      invoiceFiguresJSON{},
		// Calendars.
		"CalendarLink":       calendarLinkJSON{},
		"CalendarLinkStatus": calendarLinkStatusJSON{},
		"Payment":            paymentJSON{},
		"Checkout":           checkoutJSON{},
		// Sessions.
		"Session":     sessionJSON{},
		"SessionDate": sessionDateJSON{},
		"SessionList": listJSON[sessionJSON]{},
	} {
		compareSchema(t, name, doc.Components.Schemas[name], reflect.TypeOf(out), true)
	}
}

// compareSchema checks one schema against a Go type; response says whether
// the type is encoded (and so its required fields and nulls are known).
func compareSchema(t *testing.T, where string, ref *openapi3.SchemaRef, typ reflect.Type, response bool) {
	t.Helper()
	if ref == nil {
		t.Errorf("%s: no schema", where)
		return
	}
	types, props, required, closed := flatten(ref.Value)
	nullable := slices.Contains(types, "null")
	types = slices.DeleteFunc(types, func(s string) bool { return s == "null" })
	if typ.Kind() == reflect.Pointer {
		if response && !nullable {
			t.Errorf("%s: Go sends null, the schema does not allow it", where)
		}
		typ = typ.Elem()
	} else if response && nullable {
		t.Errorf("%s: the schema allows null, Go never sends it", where)
	}
	want := jsonType(typ)
	if len(types) != 1 || types[0] != want {
		t.Errorf("%s: schema type %v, but Go type %s encodes as %s", where, types, typ, want)
		return
	}
	switch want {
	case "array":
		if items := ref.Value.Items; items != nil {
			compareSchema(t, where+"[]", items, typ.Elem(), response)
		} else {
			t.Errorf("%s: array without items", where)
		}
	case "object":
		if !closed {
			t.Errorf("%s: set additionalProperties or unevaluatedProperties to false", where)
		}
		fields := jsonFields(typ)
		for _, name := range slices.Sorted(maps.Keys(fields)) {
			f := fields[name]
			if props[name] == nil {
				t.Errorf("%s: Go field %s is not documented", where, name)
				continue
			}
			switch isRequired := slices.Contains(required, name); {
			case response && f.always && !isRequired:
				t.Errorf("%s.%s: Go always sends it, so it must be required", where, name)
			case response && !f.always && isRequired:
				t.Errorf("%s.%s: Go leaves it out when empty, so it must not be required", where, name)
			}
			ft := f.typ
			if !f.always && ft.Kind() == reflect.Pointer {
				ft = ft.Elem() // omitempty leaves a nil pointer out: never null
			}
			compareSchema(t, where+"."+name, props[name], ft, response)
		}
		for _, name := range slices.Sorted(maps.Keys(props)) {
			if _, ok := fields[name]; !ok {
				t.Errorf("%s: documented field %s is not in Go type %s", where, name, typ)
			}
		}
	}
}

// flatten merges a schema with its allOf parts and takes the types of an
// anyOf of alternatives such as [Person, null].
func flatten(s *openapi3.Schema) (types []string, props openapi3.Schemas, required []string, closed bool) {
	props = openapi3.Schemas{}
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		if s.Type != nil {
			types = append(types, s.Type.Slice()...)
		}
		for k, v := range s.Properties {
			if props[k] == nil {
				props[k] = v
			}
		}
		required = append(required, s.Required...)
		if ap := s.AdditionalProperties.Has; ap != nil && !*ap {
			closed = true
		}
		if up := s.UnevaluatedProperties.Has; up != nil && !*up {
			closed = true
		}
		for _, part := range s.AllOf {
			walk(part.Value)
		}
	}
	walk(s)
	for _, alt := range s.AnyOf {
		t, p, r, c := flatten(alt.Value)
		types = append(types, t...)
		for k, v := range p {
			props[k] = v
		}
		required, closed = append(required, r...), closed || c
	}
	slices.Sort(types)
	return slices.Compact(types), props, required, closed
}

type jsonField struct {
	typ    reflect.Type
	always bool // neither omitempty nor omitzero
}

// jsonFields lists a struct's fields by JSON name, flattening embedded
// structs as encoding/json does.
func jsonFields(typ reflect.Type) map[string]jsonField {
	out := map[string]jsonField{}
	for f := range typ.Fields() {
		if f.Anonymous && f.Tag.Get("json") == "" {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = jsonField{typ: f.Type, always: !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero")}
	}
	return out
}

// jsonType is the JSON Schema type encoding/json gives a Go type.
func jsonType(typ reflect.Type) string {
	if typ.String() == "time.Time" {
		return "string"
	}
	switch typ.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return typ.Kind().String()
}
