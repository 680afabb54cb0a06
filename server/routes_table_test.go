package server

// routeCase is one row of the route × role table: how to call a route as a
// role, and the status each role must get.
type routeCase struct {
	method, pattern string // as registered with the router, e.g. /api/v1/sites/:id
	// call makes the request as role on fresh fixtures.
	call func(e *env, role string) *response
	// want is the status for each role in allRoles.
	want map[string]int
}
