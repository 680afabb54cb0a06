package server

// availabilityRouteCases are the rows of the route × role table for
// opening hours, closures and availability.
var availabilityRouteCases = []routeCase{}
