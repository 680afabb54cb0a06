package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// absentField, as a value in badCase.set, removes the field from the body.
type absentField struct{}

var absent = absentField{}

// badCase is one bad request to a write endpoint.
type badCase struct {
	name string
	// set changes the endpoint's valid body: dotted paths ("accessibility.
	// step_free", "identifiers.0.value") to new values. A func(*env) any
	// value is called for the value.
	set map[string]any
	// raw, when not empty, is sent as the body instead; rawBody says so even
	// for an empty raw body.
	raw     string
	rawBody bool
	// contentType replaces application/json.
	contentType string
	// status is 422 when zero.
	status int
	// fields are exactly the fields the problem's errors must name, in any
	// order. A 400 without fields must explain itself in its detail.
	fields []string
}

// request builds the bad request from the endpoint's valid body, and says
// the status it must get.
func (bc badCase) request(t *testing.T, e *env, method, path, as string, valid map[string]any) (request, int) {
	t.Helper()
	rq := request{method: method, path: path, as: as}
	if bc.raw != "" || bc.rawBody {
		rq.body = bc.raw
	} else {
		set := map[string]any{}
		for k, v := range bc.set {
			if f, ok := v.(func(*env) any); ok {
				v = f(e)
			}
			set[k] = v
		}
		rq.body = bodyWith(t, valid, set)
	}
	if bc.contentType != "" {
		rq.header = http.Header{"Content-Type": {bc.contentType}}
	}
	status := bc.status
	if status == 0 {
		status = http.StatusUnprocessableEntity
	}
	return rq, status
}

// writeEndpoint is an API endpoint that reads a JSON body, called as a role
// that may call it.
type writeEndpoint struct {
	method, pattern string
	as              string
	path            func(e *env) string
	valid           func(e *env) map[string]any
	success         int
	cases           []badCase
	// fresh, when set, makes a valid body distinct from earlier ones (a new
	// email or name), so a body that succeeds once does not conflict later.
	fresh func(body map[string]any, n int)
}

// wrongType sets a field to a value of the wrong type.
func wrongType(field string, v any) badCase {
	return wrongTypeNamed(field, field, v)
}

// wrongTypeNamed sets path to a value of the wrong type; the problem names
// field (an element of a list is reported under the list's name).
func wrongTypeNamed(path, field string, v any) badCase {
	j, _ := json.Marshal(v)
	return badCase{name: fmt.Sprintf("%s is %s", path, j), set: map[string]any{path: v}, fields: []string{field}}
}

// invalidValue sets path to a value of the right type that is not valid;
// the problem names fields, or path itself.
func invalidValue(name, path string, v any, fields ...string) badCase {
	if len(fields) == 0 {
		fields = []string{path}
	}
	return badCase{name: name, set: map[string]any{path: v}, fields: fields}
}

// longText is text of n characters.
func longText(n int) string { return strings.Repeat("x", n) }

// writeEndpoints are every API endpoint that reads a JSON body.
var writeEndpoints = []writeEndpoint{
	{
		method: http.MethodPost, pattern: "/api/v1/auth/register", as: anonymous, success: http.StatusCreated,
		path:  func(e *env) string { return "/api/v1/auth/register" },
		fresh: func(body map[string]any, n int) { body["email"] = fmt.Sprintf("person%d@example.org", n) },
		valid: func(e *env) map[string]any {
			return map[string]any{"email": "new.person@example.org", "name": "New Person", "password": "a long enough password"}
		},
		cases: []badCase{
			wrongType("email", 12), wrongType("name", map[string]any{"first": "New"}), wrongType("password", true),
			invalidValue("email without @", "email", "new.person.example.org"),
			invalidValue("email without a dot in the domain", "email", "new@example"),
			invalidValue("email with a space", "email", "new person@example.org"),
			invalidValue("empty email", "email", ""),
			invalidValue("email of 255 characters", "email", longText(243)+"@example.org"),
			invalidValue("missing email", "email", absent),
			{name: "email with a NUL", set: map[string]any{"email": "new\u0000person@example.org"}, fields: []string{"email"}},
			invalidValue("empty name", "name", "   "),
			invalidValue("name of 121 characters", "name", longText(121)),
			invalidValue("name with a NUL", "name", "New\u0000Person"),
			invalidValue("password of 9 characters", "password", "123456789"),
			invalidValue("password of 257 characters", "password", longText(257)),
			invalidValue("missing password", "password", absent),
			{name: "email already taken", set: map[string]any{"email": "Booker@Example.org"}, status: http.StatusConflict},
		},
	},
	{
		method: http.MethodPost, pattern: "/api/v1/auth/login", as: anonymous, success: http.StatusOK,
		path: func(e *env) string { return "/api/v1/auth/login" },
		valid: func(e *env) map[string]any {
			return map[string]any{"email": "booker@example.org", "password": testPassword}
		},
		cases: []badCase{
			wrongType("email", 12), wrongType("password", []any{"x"}),
			invalidValue("empty email", "email", " "),
			invalidValue("empty password", "password", ""),
			{name: "empty object", raw: "{}", fields: []string{"email", "password"}},
		},
	},
	{
		method: http.MethodPost, pattern: "/api/v1/tokens", as: asBooker, success: http.StatusCreated,
		path:  func(e *env) string { return "/api/v1/tokens" },
		valid: func(e *env) map[string]any { return map[string]any{"name": "laptop"} },
		cases: []badCase{
			wrongType("name", 5),
			invalidValue("empty name", "name", " "),
			invalidValue("name of 81 characters", "name", longText(81)),
			invalidValue("name with a NUL", "name", "lap\u0000top"),
		},
	},
	{
		method: http.MethodPost, pattern: "/api/v1/organisations", as: asBooker, success: http.StatusCreated,
		path: func(e *env) string { return "/api/v1/organisations" },
		valid: func(e *env) map[string]any {
			return map[string]any{
				"name": "Stockport Walking for Health", "type": "registered_charity", "description": "Weekly walks",
				"email": "hello@walks.example", "phone": "0161 000 0000", "website": "https://walks.example",
				"identifiers": []any{map[string]any{"scheme": "GB-CHC", "value": "1123456"}},
			}
		},
		cases: []badCase{
			wrongType("name", 1), wrongType("type", true), wrongType("description", []any{}),
			wrongType("email", 5), wrongType("phone", 7), wrongType("website", map[string]any{}),
			wrongType("identifiers", "GB-CHC 1123456"),
			wrongTypeNamed("identifiers.0", "identifiers", "GB-CHC"),
			wrongTypeNamed("identifiers.0.scheme", "identifiers.scheme", 5),
			wrongTypeNamed("identifiers.0.value", "identifiers.value", 1123456),
			invalidValue("empty name", "name", ""),
			invalidValue("name of 201 characters", "name", longText(201)),
			invalidValue("unknown type", "type", "ballroom_dancers"),
			invalidValue("description of 4001 characters", "description", longText(4001)),
			invalidValue("bad email", "email", "hello-at-walks"),
			{name: "email with a NUL", set: map[string]any{"email": "hello\u0000@walks.example"}, fields: []string{"email"}},
			invalidValue("phone of 41 characters", "phone", longText(41)),
			invalidValue("website without https", "website", "ftp://walks.example"),
			invalidValue("charity number 12345", "identifiers.0.value", "12345", "identifiers[0].value", "identifiers"),
			{name: "company number ZZ123456", fields: []string{"identifiers[0].value", "identifiers"}, set: map[string]any{
				"type":        "community_interest_company",
				"identifiers": []any{map[string]any{"scheme": "GB-COH", "value": "ZZ123456"}},
			}},
			{name: "unknown scheme", fields: []string{"identifiers[0].scheme"}, set: map[string]any{
				"type":        "community_group",
				"identifiers": []any{map[string]any{"scheme": "GB-XYZ", "value": "123"}},
			}},
			invalidValue("charity without a charity number", "identifiers", absent),
			invalidValue("five identifiers", "identifiers", []any{
				map[string]any{"scheme": "GB-CHC", "value": "1123451"}, map[string]any{"scheme": "GB-CHC", "value": "1123452"},
				map[string]any{"scheme": "GB-CHC", "value": "1123453"}, map[string]any{"scheme": "GB-CHC", "value": "1123454"},
				map[string]any{"scheme": "GB-CHC", "value": "1123455"},
			}),
		},
	},
	{
		method: http.MethodPost, pattern: "/api/v1/organisations/:id/verification", as: asManager, success: http.StatusOK,
		path: func(e *env) string { return fmt.Sprintf("/api/v1/organisations/%d/verification", e.orgA.ID) },
		valid: func(e *env) map[string]any {
			return map[string]any{"state": "verified", "note": "Checked the register"}
		},
		cases: []badCase{
			wrongType("state", 1), wrongType("note", false),
			invalidValue("state approved", "state", "approved"),
			invalidValue("empty state", "state", ""),
			{name: "suspended without a note", set: map[string]any{"state": "suspended", "note": " "}, fields: []string{"note"}},
			invalidValue("note of 1001 characters", "note", longText(1001)),
			invalidValue("note with a NUL", "note", "ok\u0000"),
		},
	},
	{
		method: http.MethodPost, pattern: "/api/v1/organisations/:id/members", as: asOrgAdmin, success: http.StatusCreated,
		path: func(e *env) string { return fmt.Sprintf("/api/v1/organisations/%d/members", e.orgA.ID) },
		valid: func(e *env) map[string]any {
			return map[string]any{"email": "link_worker@example.org", "role": "booker"}
		},
		cases: []badCase{
			wrongType("email", 1), wrongType("role", map[string]any{}),
			invalidValue("bad email", "email", "link_worker"),
			invalidValue("empty email", "email", ""),
			invalidValue("email of nobody", "email", "nobody@example.org"),
			{name: "email with a NUL", set: map[string]any{"email": "link_worker\u0000@example.org"}, fields: []string{"email"}},
			invalidValue("role owner", "role", "owner"),
			invalidValue("account role instead of a member role", "role", "admin"),
			invalidValue("missing role", "role", absent),
		},
	},
	{
		method: http.MethodPost, pattern: "/api/v1/sites", as: asAdmin, success: http.StatusCreated,
		path:  func(e *env) string { return "/api/v1/sites" },
		valid: validSite,
		cases: append(siteCases(),
			wrongTypeNamed("manager_ids.0", "manager_ids", "1"),
			invalidValue("51 managers", "manager_ids", manyIDs(51)),
			invalidValue("manager who does not exist", "manager_ids", []any{999999}),
			invalidValue("manager who is not staff", "manager_ids", func(e *env) any {
				return []any{e.users[asOtherMgr].ID, e.users[asBooker].ID}
			}),
		),
	},
	{
		method: http.MethodPatch, pattern: "/api/v1/sites/:id", as: asManager, success: http.StatusOK,
		path:  func(e *env) string { return fmt.Sprintf("/api/v1/sites/%d", e.siteA.ID) },
		valid: func(e *env) map[string]any { m := validSite(e); delete(m, "manager_ids"); return m },
		cases: append(siteCases(),
			wrongType("manager_ids", []any{"a"}),
			invalidValue("estates manager changes managers", "manager_ids", []any{}),
		),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/sites/:id/spaces", as: asManager, success: http.StatusCreated,
		path:  func(e *env) string { return fmt.Sprintf("/api/v1/sites/%d/spaces", e.siteA.ID) },
		fresh: func(body map[string]any, n int) { body["name"] = fmt.Sprintf("Room %d", n) },
		valid: validSpace,
		cases: append(spaceCases(), invalidValue("missing name", "name", absent)),
	},
	{
		method: http.MethodPatch, pattern: "/api/v1/spaces/:id", as: asManager, success: http.StatusOK,
		path: func(e *env) string { return fmt.Sprintf("/api/v1/spaces/%d", e.spaceA.ID) },
		valid: func(e *env) map[string]any {
			m := validSpace(e)
			m["name"] = "Counselling room 1 with a kitchen"
			return m
		},
		cases: spaceCases(),
	},
}

// manyIDs is the ids 1 to n.
func manyIDs(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func validSite(e *env) map[string]any {
	return map[string]any{
		"name": "Reddish Vale Community Hospital", "address_line1": "Reddish Vale Road", "address_line2": "Reddish",
		"town": "Stockport", "postcode": "sk5 7hs", "latitude": 53.43, "longitude": -2.15,
		"description": "A community hospital", "opening_hours": "Mon–Fri 8am–6pm",
		"accessibility": map[string]any{"step_free": true, "parking": true, "parking_notes": "Free car park"},
		"manager_ids":   []any{e.users[asManager].ID},
	}
}

// siteCases are the bad sites both site endpoints refuse.
func siteCases() []badCase {
	return []badCase{
		wrongType("name", 5), wrongType("address_line1", []any{"1"}), wrongType("address_line2", 2),
		wrongType("town", false), wrongType("postcode", 12345), wrongType("latitude", "53.4"),
		wrongType("longitude", true), wrongType("clear_location", "yes"), wrongType("description", 1),
		wrongType("opening_hours", map[string]any{}), wrongType("accessibility", true),
		wrongType("accessibility.step_free", map[string]any{}), wrongType("accessibility.accessible_toilet", "yes"),
		wrongType("accessibility.changing_places", 1), wrongType("accessibility.hearing_loop", []any{}),
		wrongType("accessibility.parking", "no"), wrongType("accessibility.parking_notes", 3),
		wrongType("accessibility.public_transport", false), wrongType("manager_ids", "1"),
		{name: "unknown nested field", set: map[string]any{"accessibility.colour": "blue"}, status: http.StatusBadRequest, fields: []string{"colour"}},
		invalidValue("latitude 91", "latitude", 91),
		invalidValue("latitude -90.5", "latitude", -90.5),
		invalidValue("longitude 181", "longitude", 181),
		invalidValue("latitude without longitude", "longitude", absent, "latitude"),
		invalidValue("bad postcode", "postcode", "NOT A CODE"),
		invalidValue("postcode missing its inward code", "postcode", "SK5"),
		invalidValue("empty postcode", "postcode", ""),
		invalidValue("empty name", "name", " "),
		invalidValue("name of 201 characters", "name", longText(201)),
		invalidValue("name with a NUL", "name", "Reddish\u0000Vale"),
		invalidValue("empty first address line", "address_line1", ""),
		invalidValue("second address line of 201 characters", "address_line2", longText(201)),
		invalidValue("empty town", "town", ""),
		invalidValue("description of 4001 characters", "description", longText(4001)),
		invalidValue("opening hours of 401 characters", "opening_hours", longText(401)),
		invalidValue("parking notes of 4001 characters", "accessibility.parking_notes", longText(4001)),
		invalidValue("public transport of 4001 characters", "accessibility.public_transport", longText(4001)),
	}
}

func validSpace(e *env) map[string]any {
	return map[string]any{
		"name": "Community kitchen", "kind": "kitchen", "description": "A kitchen with an oven", "capacity": 12,
		"features": []any{"oven", "sink"}, "booking_unit": "hour", "granularity_minutes": 30,
		"min_minutes": 60, "max_minutes": 240, "notice_hours": 24, "horizon_days": 180, "buffer_minutes": 15,
		"approval_mode": "manual", "rate_pence": 1500, "visibility": "public",
		"accessibility": map[string]any{"step_free": true, "notes": "Ramp at the side"},
	}
}

// spaceCases are the bad spaces both space endpoints refuse.
func spaceCases() []badCase {
	features := make([]any, 31)
	for i := range features {
		features[i] = "feature " + strconv.Itoa(i)
	}
	return []badCase{
		wrongType("name", 5), wrongType("kind", 1), wrongType("description", false),
		wrongType("capacity", "12"), wrongType("capacity", 1.5), wrongType("capacity", 1e20),
		wrongType("features", "oven"), wrongTypeNamed("features.0", "features", 1),
		wrongType("accessibility", "step free"), wrongType("accessibility.step_free", map[string]any{}),
		wrongType("accessibility.hearing_loop", 1), wrongType("accessibility.accessible_toilet", "no"),
		wrongType("accessibility.notes", 1), wrongType("booking_unit", 60),
		wrongType("granularity_minutes", "30"), wrongType("min_minutes", true), wrongType("max_minutes", []any{}),
		wrongType("notice_hours", "24"), wrongType("horizon_days", map[string]any{}), wrongType("buffer_minutes", "15"),
		wrongType("approval_mode", false), wrongType("rate_pence", "1500"), wrongType("rate_pence", 15.5),
		wrongType("visibility", true),
		{name: "unknown nested field", set: map[string]any{"accessibility.colour": "blue"}, status: http.StatusBadRequest, fields: []string{"colour"}},
		invalidValue("capacity 0", "capacity", 0),
		invalidValue("capacity 10001", "capacity", 10001),
		invalidValue("rate_pence -1", "rate_pence", -1),
		invalidValue("rate_pence above the maximum", "rate_pence", maxRatePence+1),
		invalidValue("granularity 7", "granularity_minutes", 7),
		invalidValue("shortest booking of 45 minutes in 30-minute slots", "min_minutes", 45),
		invalidValue("shortest booking of 0 minutes", "min_minutes", 0),
		invalidValue("longest booking over a day", "max_minutes", 1441+29),
		invalidValue("longest booking shorter than the shortest", "max_minutes", 30),
		invalidValue("notice_hours -1", "notice_hours", -1),
		invalidValue("notice of more than a year", "notice_hours", maxNoticeHours+1),
		invalidValue("horizon_days 0", "horizon_days", 0),
		invalidValue("horizon of more than two years", "horizon_days", maxHorizonDays+1),
		invalidValue("buffer of 7 minutes", "buffer_minutes", 7),
		invalidValue("buffer_minutes -5", "buffer_minutes", -5),
		invalidValue("buffer of 245 minutes", "buffer_minutes", 245),
		invalidValue("kind ballroom", "kind", "ballroom"),
		invalidValue("booking unit week", "booking_unit", "week"),
		invalidValue("approval mode sometimes", "approval_mode", "sometimes"),
		invalidValue("visibility secret", "visibility", "secret"),
		invalidValue("empty name", "name", ""),
		invalidValue("name of 201 characters", "name", longText(201)),
		invalidValue("description of 4001 characters", "description", longText(4001)),
		invalidValue("access notes of 4001 characters", "accessibility.notes", longText(4001)),
		invalidValue("31 features", "features", features),
		invalidValue("empty feature", "features", []any{"oven", "  "}, "features[1]"),
		invalidValue("feature of 41 characters", "features", []any{longText(41)}, "features[0]"),
		{name: "feature with a NUL", set: map[string]any{"features": []any{"oven\u0000"}}, fields: []string{"features[0]"}},
	}
}

// readableCases are the bodies no endpoint can read, built from its valid
// body.
func readableCases(valid []byte) []badCase {
	return []badCase{
		{name: "malformed JSON", raw: `{"name":`, status: http.StatusBadRequest},
		{name: "syntax error", raw: `{"name" "x"}`, status: http.StatusBadRequest},
		{name: "trailing garbage", raw: string(valid) + " garbage", status: http.StatusBadRequest},
		{name: "two objects", raw: string(valid) + string(valid), status: http.StatusBadRequest},
		{name: "array instead of an object", raw: "[" + string(valid) + "]", status: http.StatusBadRequest},
		{name: "string instead of an object", raw: `"hello"`, status: http.StatusBadRequest},
		{name: "number instead of an object", raw: `42`, status: http.StatusBadRequest},
		{name: "empty body", rawBody: true, status: http.StatusBadRequest},
		{name: "form instead of JSON", raw: "name=x", contentType: "application/x-www-form-urlencoded", status: http.StatusBadRequest},
		{name: "JSON sent as text/plain", raw: string(valid), contentType: "text/plain", status: http.StatusBadRequest},
		{name: "unknown field", set: map[string]any{"colour": "blue"}, status: http.StatusBadRequest, fields: []string{"colour"}},
	}
}

// bodyWith is a deep copy of body with the changes in set.
func bodyWith(t *testing.T, body map[string]any, set map[string]any) map[string]any {
	t.Helper()
	j, err := json.Marshal(body)
	must(t, err)
	var out map[string]any
	must(t, json.Unmarshal(j, &out))
	for path, v := range set {
		setPath(t, out, strings.Split(path, "."), v)
	}
	return out
}

func setPath(t *testing.T, node any, path []string, v any) {
	t.Helper()
	last := len(path) == 1
	switch n := node.(type) {
	case map[string]any:
		if last {
			if _, ok := v.(absentField); ok {
				delete(n, path[0])
			} else {
				n[path[0]] = v
			}
			return
		}
		child, ok := n[path[0]]
		if !ok {
			child = map[string]any{}
			n[path[0]] = child
		}
		setPath(t, child, path[1:], v)
	case []any:
		i, err := strconv.Atoi(path[0])
		if err != nil || i >= len(n) {
			t.Fatalf("bad index %q", path[0])
		}
		if last {
			n[i] = v
			return
		}
		setPath(t, n[i], path[1:], v)
	default:
		t.Fatalf("cannot set %v in %T", path, node)
	}
}

// schemaTables are every table of the schema.
var schemaTables = []string{
	"users", "sessions", "api_tokens", "login_attempts", "settings", "sites", "site_managers", "spaces",
	"space_features", "organisations", "organisation_identifiers", "memberships", "verification_events",
}

// snapshot is everything a bad request must leave as it was: the number of
// rows of each table, and the fixtures' sites, spaces and organisations as
// the API shows them.
func (e *env) snapshot() string {
	e.t.Helper()
	ctx := context.Background()
	var b strings.Builder
	counts := make([]string, len(schemaTables))
	for i, name := range schemaTables {
		counts[i] = "(SELECT COUNT(*) FROM " + name + ")"
	}
	n := make([]int64, len(schemaTables))
	dst := make([]any, len(schemaTables))
	for i := range n {
		dst[i] = &n[i]
	}
	must(e.t, e.store.DB.Raw("SELECT "+strings.Join(counts, ", ")).Row().Scan(dst...))
	for i, name := range schemaTables {
		fmt.Fprintf(&b, "%s: %d\n", name, n[i])
	}
	add := func(v any) {
		j, err := json.Marshal(v)
		must(e.t, err)
		b.Write(j)
		b.WriteByte('\n')
	}
	for _, id := range []int64{e.siteA.ID, e.siteB.ID} {
		s, err := e.store.SiteByID(ctx, id)
		must(e.t, err)
		add(toSiteJSON(s))
	}
	for _, id := range []int64{e.spaceA.ID, e.hiddenA.ID, e.spaceB.ID} {
		sp, err := e.store.SpaceByID(ctx, id)
		must(e.t, err)
		add(toSpaceJSON(sp))
	}
	for _, id := range []int64{e.orgA.ID, e.orgB.ID} {
		o, err := e.store.OrganisationByID(ctx, id)
		must(e.t, err)
		add(toOrganisationJSON(o, true))
	}
	return b.String()
}

// withT runs fn with the fixtures reporting to t.
func (e *env) withT(t *testing.T, fn func()) {
	parent := e.t
	e.t = t
	defer func() { e.t = parent }()
	fn()
}

// wantUnchanged fails the test when the snapshot differs from *before, and
// then takes the new snapshot as *before, so one failure is reported once.
func (e *env) wantUnchanged(before *string) {
	e.t.Helper()
	if after := e.snapshot(); after != *before {
		e.t.Errorf("the request changed data:\nbefore:\n%s\nafter:\n%s", *before, after)
		*before = after
	}
}

// wantProblem checks a refusal: its status, problem+json, and the fields
// it names.
func (r *response) wantProblem(status int, fields []string) Problem {
	r.t.Helper()
	r.wantStatus(status)
	p := r.problem()
	if p.Status != status {
		r.t.Errorf("problem status %d, want %d", p.Status, status)
	}
	var got []string
	for _, f := range p.Errors {
		if f.Message == "" {
			r.t.Errorf("field %s has no message", f.Field)
		}
		if !slices.Contains(got, f.Field) {
			got = append(got, f.Field)
		}
	}
	want := slices.Clone(fields)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		r.t.Errorf("errors name %q, want %q; problem %+v", got, want, p)
	}
	if status == http.StatusBadRequest && len(fields) == 0 && p.Detail == "" {
		r.t.Errorf("a bad request without fields has no detail: %+v", p)
	}
	return p
}

func TestBadInputOnEveryWriteEndpoint(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		for _, ep := range writeEndpoints {
			t.Run(ep.method+" "+ep.pattern, func(t *testing.T) {
				var valid map[string]any
				e.withT(t, func() { valid = ep.valid(e) })
				validJSON, err := json.Marshal(valid)
				must(t, err)
				cases := append(readableCases(validJSON), ep.cases...)
				var before string
				e.withT(t, func() { before = e.snapshot() })
				for _, bc := range cases {
					t.Run(bc.name, func(t *testing.T) {
						e.withT(t, func() {
							rq, status := bc.request(t, e, ep.method, ep.path(e), ep.as, valid)
							e.do(rq).wantProblem(status, bc.fields)
							e.wantUnchanged(&before)
						})
					})
				}
				t.Run("the valid body succeeds", func(t *testing.T) {
					e.withT(t, func() {
						e.send(ep.method, ep.path(e), ep.as, valid).wantStatus(ep.success)
					})
				})
			})
		}
	})
}

// idRoutes are the API routes with ids in their path, each called as a role
// that may call it, with a valid body.
var idRoutes = []struct {
	method, pattern, as string
	body                func(e *env) any
}{
	{http.MethodGet, "/api/v1/sites/:id", anonymous, nil},
	{http.MethodPatch, "/api/v1/sites/:id", asAdmin, func(e *env) any { return map[string]any{"description": "x"} }},
	{http.MethodPost, "/api/v1/sites/:id/spaces", asAdmin, func(e *env) any { return validSpace(e) }},
	{http.MethodGet, "/api/v1/spaces/:id", asAdmin, nil},
	{http.MethodPatch, "/api/v1/spaces/:id", asAdmin, func(e *env) any { return map[string]any{"description": "x"} }},
	{http.MethodDelete, "/api/v1/tokens/:id", asBooker, nil},
	{http.MethodGet, "/api/v1/organisations/:id", asAdmin, nil},
	{http.MethodGet, "/api/v1/organisations/:id/members", asAdmin, nil},
	{http.MethodPost, "/api/v1/organisations/:id/members", asAdmin, func(e *env) any {
		return map[string]any{"email": "link_worker@example.org", "role": "booker"}
	}},
	{http.MethodPost, "/api/v1/organisations/:id/verification", asAdmin, func(e *env) any {
		return map[string]any{"state": "verified", "note": "ok"}
	}},
	{http.MethodDelete, "/api/v1/organisations/:id/members/:user_id", asAdmin, nil},
}

func TestBadPathIDs(t *testing.T) {
	badIDs := []string{"abc", "0", "-1", "+1", "01", "1.0", "1e3", "0x10", "99999999999999999999", "9223372036854775807", "%00", "%FF"}
	eachEnv(t, func(t *testing.T, e *env) {
		before := e.snapshot()
		for _, rt := range idRoutes {
			for _, param := range []string{":id", ":user_id"} {
				if !strings.Contains(rt.pattern, param) {
					continue
				}
				for _, id := range badIDs {
					t.Run(fmt.Sprintf("%s %s with %s %s", rt.method, rt.pattern, param, id), func(t *testing.T) {
						e.withT(t, func() {
							path := strings.ReplaceAll(rt.pattern, param, id)
							path = strings.ReplaceAll(path, ":id", itoa(e.orgA.ID))
							path = strings.ReplaceAll(path, ":user_id", itoa(e.users[asBooker].ID))
							var body any
							if rt.body != nil {
								body = rt.body(e)
							}
							p := e.send(rt.method, path, rt.as, body).wantProblem(http.StatusNotFound, nil)
							if p.Title == "" {
								t.Errorf("problem without a title: %+v", p)
							}
							e.wantUnchanged(&before)
						})
					})
				}
			}
		}
	})
}

func TestBadQueryParameters(t *testing.T) {
	var names []string
	for i := range maxFeatures + 1 {
		names = append(names, "feature"+strconv.Itoa(i))
	}
	features := strings.Join(names, ",")
	tests := []struct {
		path, as, param string
	}{
		{"/api/v1/sites?page=0", anonymous, "page"},
		{"/api/v1/sites?page=-1", anonymous, "page"},
		{"/api/v1/sites?page=abc", anonymous, "page"},
		{"/api/v1/sites?page=1.5", anonymous, "page"},
		{"/api/v1/sites?page=99999999999999999999", anonymous, "page"},
		{"/api/v1/sites?per_page=0", anonymous, "per_page"},
		{"/api/v1/sites?per_page=101", anonymous, "per_page"},
		{"/api/v1/sites?per_page=ten", anonymous, "per_page"},
		{"/api/v1/sites?q=" + longText(201), anonymous, "q"},
		{"/api/v1/sites?q=a%00b", anonymous, "q"},
		{"/api/v1/sites?q=%FF", anonymous, "q"},
		{"/api/v1/spaces?per_page=101", anonymous, "per_page"},
		{"/api/v1/spaces?page=0", asManager, "page"},
		{"/api/v1/spaces?site=abc", anonymous, "site"},
		{"/api/v1/spaces?site=0", anonymous, "site"},
		{"/api/v1/spaces?site=-3", anonymous, "site"},
		{"/api/v1/spaces?site=99999999999999999999", anonymous, "site"},
		{"/api/v1/spaces?min_capacity=0", anonymous, "min_capacity"},
		{"/api/v1/spaces?min_capacity=10001", anonymous, "min_capacity"},
		{"/api/v1/spaces?min_capacity=six", anonymous, "min_capacity"},
		{"/api/v1/spaces?kind=ballroom", anonymous, "kind"},
		{"/api/v1/spaces?feature=a%00b", anonymous, "feature"},
		{"/api/v1/spaces?feature=" + features, anonymous, "feature"},
		{"/api/v1/organisations?per_page=101", asBooker, "per_page"},
		{"/api/v1/organisations?page=abc", asAdmin, "page"},
		{"/api/v1/organisations?verification=approved", asManager, "verification"},
		{"/api/v1/organisations?q=" + longText(201), asAdmin, "q"},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		for _, tt := range tests {
			name := tt.path
			if len(name) > 80 {
				name = name[:80]
			}
			t.Run(name, func(t *testing.T) {
				e.withT(t, func() {
					e.get(tt.path, tt.as).wantProblem(http.StatusUnprocessableEntity, []string{tt.param})
				})
			})
		}
	})
}

// hostileBodies are bodies no request should answer with a 5xx.
func hostileBodies() map[string]struct {
	body        []byte
	contentType string
} {
	nested := strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000)
	arrays := `{"name":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}"
	huge := `{"name":"` + strings.Repeat("a", maxBody+10) + `"}`
	spaces := strings.Repeat(" ", maxBody+10) + "{}"
	type b = struct {
		body        []byte
		contentType string
	}
	return map[string]b{
		"empty body":                         {nil, "application/json"},
		"huge body":                          {[]byte(huge), "application/json"},
		"huge body of white space":           {[]byte(spaces), "application/json"},
		"invalid UTF-8":                      {[]byte("{\"name\":\"\xff\xfe\",\"email\":\"\xc3\x28@example.org\",\"password\":\"\xed\xa0\x80xxxxxxxxxx\"}"), "application/json"},
		"invalid UTF-8 outside strings":      {[]byte("{\xff}"), "application/json"},
		"raw NUL bytes":                      {[]byte("{\"name\":\"a\x00b\"}"), "application/json"},
		"NUL bytes outside strings":          {[]byte("\x00\x00\x00{}"), "application/json"},
		"escaped NULs and lone surrogates":   {[]byte(`{"name":"\u0000","email":"\ud800@example.org","password":"\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000"}`), "application/json"},
		"deeply nested objects":              {[]byte(nested), "application/json"},
		"deeply nested arrays":               {[]byte(arrays), "application/json"},
		"wrong content type":                 {[]byte(`{"name":"x"}`), "text/plain"},
		"multipart form":                     {[]byte("--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--x--\r\n"), "multipart/form-data; boundary=x"},
		"bad content type":                   {[]byte(`{}`), "application/json; charset=\"unterminated"},
		"null":                               {[]byte(`null`), "application/json"},
		"huge numbers":                       {[]byte(`{"capacity":1e400,"latitude":-1e400,"rate_pence":99999999999999999999999}`), "application/json"},
		"numbers where lists are expected":   {[]byte(`{"features":1,"identifiers":2,"manager_ids":3}`), "application/json"},
		"objects where strings are expected": {[]byte(`{"name":{},"email":{},"password":{},"state":{},"role":{}}`), "application/json"},
	}
}

// hostilePath fills a route's ids with existing rows, so the hostile input
// reaches as deep into the handler as it can.
func hostilePath(e *env, pattern string) string {
	r := strings.NewReplacer(":user_id", itoa(e.users[asBooker].ID))
	path := r.Replace(pattern)
	switch {
	case strings.HasPrefix(path, "/api/v1/sites/"):
		path = strings.Replace(path, ":id", itoa(e.siteA.ID), 1)
	case strings.HasPrefix(path, "/api/v1/spaces/"):
		path = strings.Replace(path, ":id", itoa(e.spaceA.ID), 1)
	case strings.HasPrefix(path, "/api/v1/organisations/"):
		path = strings.Replace(path, ":id", itoa(e.orgA.ID), 1)
	case strings.HasPrefix(path, "/api/v1/tokens/"):
		path = strings.Replace(path, ":id", "999999", 1)
	}
	return path
}

// stringPaths lists the dotted paths of every string in a JSON value.
func stringPaths(v any, prefix string) []string {
	var out []string
	switch n := v.(type) {
	case string:
		return []string{prefix}
	case map[string]any:
		for k, c := range n {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, stringPaths(c, p)...)
		}
	case []any:
		for i, c := range n {
			out = append(out, stringPaths(c, prefix+"."+strconv.Itoa(i))...)
		}
	}
	slices.Sort(out)
	return out
}

func TestNoServerErrorForAnyInput(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var routes []string
		for _, r := range e.srv.engine.Routes() {
			if strings.HasPrefix(r.Path, "/api/") {
				routes = append(routes, r.Method+" "+r.Path)
			}
		}
		slices.Sort(routes)
		noServerError := func(t *testing.T, r *response) {
			t.Helper()
			if r.Code >= 500 {
				t.Errorf("status %d; body %.500s", r.Code, r.Body.String())
			}
		}
		t.Run("hostile bodies", func(t *testing.T) {
			for _, route := range routes {
				method, pattern, _ := strings.Cut(route, " ")
				// The admin passes every role check but the organisation
				// admin's; each write endpoint's own role reaches its handler.
				roles := []string{asAdmin}
				for _, ep := range writeEndpoints {
					if ep.method+" "+ep.pattern == route && ep.as != asAdmin {
						roles = append(roles, ep.as)
					}
				}
				if method == http.MethodGet {
					continue
				}
				for name, hb := range hostileBodies() {
					roles := roles
					if len(hb.body) > maxBody {
						roles = roles[len(roles)-1:]
					}
					for _, role := range roles {
						t.Run(route+"/"+name+"/"+role, func(t *testing.T) {
							e.withT(t, func() {
								rq := request{method: method, path: hostilePath(e, pattern), as: role,
									body: hb.body, header: http.Header{"Content-Type": {hb.contentType}}}
								if hb.body == nil {
									rq.body = []byte{}
								}
								noServerError(t, e.do(rq))
							})
						})
					}
				}
			}
		})
		t.Run("NUL and invalid text in every string field", func(t *testing.T) {
			n := 0
			for _, ep := range writeEndpoints {
				var valid map[string]any
				e.withT(t, func() { valid = ep.valid(e) })
				for _, field := range stringPaths(valid, "") {
					for _, bad := range []string{"\u0000", "a\u0000b@example.org", "\ufffd\ufffe", longText(20000)} {
						j, _ := json.Marshal(bad)
						t.Run(fmt.Sprintf("%s %s/%s=%.20s", ep.method, ep.pattern, field, j), func(t *testing.T) {
							e.withT(t, func() {
								n++
								body := bodyWith(t, valid, nil)
								if ep.fresh != nil {
									ep.fresh(body, n)
								}
								noServerError(t, e.send(ep.method, ep.path(e), ep.as, bodyWith(t, body, map[string]any{field: bad})))
							})
						})
					}
				}
			}
		})
		t.Run("hostile query strings", func(t *testing.T) {
			queries := []string{
				"q=a%00b", "q=%FF%FE", "q=%25%5F%5C", "feature=a%00b", "feature=%FF", "feature=" + longText(5000),
				"kind=%00", "verification=%00", "managed=true", "page=1000000&per_page=100",
				"site=9223372036854775807", "min_capacity=-1", "page=%00", "per_page=1e2", "q=" + strings.Repeat("%F0%9F%98%80", 200),
			}
			for _, route := range routes {
				method, pattern, _ := strings.Cut(route, " ")
				if method != http.MethodGet {
					continue
				}
				// Lists filter by who asks; a single item ignores the query.
				roles := []string{anonymous, asAdmin, asBooker}
				if strings.Contains(pattern, ":") {
					roles = []string{asAdmin}
				}
				for _, q := range queries {
					for _, role := range roles {
						t.Run(fmt.Sprintf("%s?%.40s/%s", pattern, q, role), func(t *testing.T) {
							e.withT(t, func() {
								noServerError(t, e.get(hostilePath(e, pattern)+"?"+q, role))
							})
						})
					}
				}
			}
		})
		t.Run("hostile credentials", func(t *testing.T) {
			headers := []http.Header{
				{"Authorization": {"Bearer "}},
				{"Authorization": {"Bearer cr_" + longText(10000)}},
				{"Authorization": {"Bearer cr_\xff\xfe"}},
				{"Authorization": {"Basic YWRtaW46YWRtaW4="}},
				{"Authorization": {"bearer  cr_testadmin"}},
				{"Cookie": {sessionCookie + "=" + longText(4000)}},
				{"Cookie": {sessionCookie + "=%00%FF"}},
				{"X-Request-Id": {"\xff" + longText(500)}},
				{"X-Forwarded-For": {"not an address, 999.1.1.1"}},
			}
			for i, h := range headers {
				for _, path := range []string{"/api/v1/me", "/api/v1/sites", "/api/v1/tokens"} {
					t.Run(fmt.Sprintf("%d%s", i, path), func(t *testing.T) {
						e.withT(t, func() {
							noServerError(t, e.do(request{method: http.MethodGet, path: path, header: h}))
						})
					})
				}
			}
		})
		t.Run("long email on sign-in", func(t *testing.T) {
			var b bytes.Buffer
			for i := 0; b.Len() < 20000; i++ {
				fmt.Fprintf(&b, "%x", i*2654435761)
			}
			e.withT(t, func() {
				noServerError(t, e.send(http.MethodPost, "/api/v1/auth/login", anonymous,
					map[string]any{"email": b.String() + "@example.org", "password": "whatever it is"}))
			})
		})
	})
}
