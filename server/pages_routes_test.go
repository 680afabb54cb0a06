package server

// pageRouteCases are the rows of the route × role table for HTML pages.
var pageRouteCases = []routeCase{}
