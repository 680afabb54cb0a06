// Reads a JSON array of iCalendar texts on standard input and writes, for
// each, its name and its events as ical.js computes them. Each calendar's
// own VTIMEZONEs are the only zones ical.js knows while it reads it.
const ICAL = require(process.argv[1]);
const input = require("fs").readFileSync(0, "utf8");
const wall = (t) => t.toString().slice(0, 19);
// RFC 5545 gives non-standard properties the TEXT type by default, and
// RFC 7986 gives NAME the TEXT type; ical.js reads both raw unless told.
for (const name of ["x-wr-calname", "x-wr-caldesc", "name"]) {
  ICAL.design.icalendar.property[name] = { defaultType: "text" };
}
const out = JSON.parse(input).map((text) => {
  ICAL.TimezoneService.reset();
  const cal = new ICAL.Component(ICAL.parse(text));
  for (const tz of cal.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(tz));
  }
  const events = cal.getAllSubcomponents("vevent").map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      sequence: e.sequence,
      status: v.getFirstPropertyValue("status") || "",
      summary: e.summary || "",
      description: e.description || "",
      location: e.location || "",
      start: e.startDate.toJSDate().toISOString().replace(".000Z", "Z"),
      end: e.endDate.toJSDate().toISOString().replace(".000Z", "Z"),
      localStart: wall(e.startDate),
      localEnd: wall(e.endDate),
      tzid: e.startDate.zone ? e.startDate.zone.tzid : "",
    };
  });
  return { name: cal.getFirstPropertyValue("x-wr-calname") || "", events };
});
process.stdout.write(JSON.stringify(out));
