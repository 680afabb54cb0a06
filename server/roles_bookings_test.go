package server

// bookingRouteCases are the rows of the route × role table for bookings
// and series.
var bookingRouteCases = []routeCase{}
