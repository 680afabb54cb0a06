package server

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
)

// london is the estate's wall clock, for showing instants to people.
var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err) // time/tzdata is linked in by run.go
	}
	return l
}()

// funcs are the helpers templates may call.
func (p *pages) funcs() template.FuncMap {
	return template.FuncMap{
		"asset":             p.assetURL,
		"money":             formatMoney,
		"rate":              formatRate,
		"minutes":           formatMinutes,
		"date":              formatDate,
		"dateTime":          formatDateTime,
		"coords":            formatCoords,
		"yesNo":             yesNo,
		"kindLabel":         booking.SpaceKindLabel,
		"unitLabel":         booking.BookingUnitLabel,
		"approvalLabel":     booking.ApprovalModeLabel,
		"orgTypeLabel":      booking.OrganisationTypeLabel,
		"verificationLabel": booking.VerificationLabel,
		"memberRoleLabel":   booking.MemberRoleLabel,
		"schemeLabel":       func(s string) string { return optionLabel(booking.IdentifierSchemes, s) },
		"verificationTag":   verificationTag,
		"dict":              dict,
		"describedBy":       describedBy,
		"join":              strings.Join,
		"lower":             strings.ToLower,
		"prepend":           prependOption,
		"eventLabel":        eventLabel,
		"plural":            plural,
		"inc":               func(i int) int { return i + 1 },
		"people":            formatPeople,
		"notice":            formatNotice,
		"stateLabel":        booking.StateLabel,
		"paymentLabel":      booking.PaymentLabel,
		"stateTag":          stateTag,
		"purposeLabel":      booking.PurposeLabel,
		"clock":             formatClock,
		"time":              formatTime,
		"span":              formatSpan,
		"times":             formatTimes,
		"day":               formatDay,
		"weekday":           func(t time.Time) string { return t.In(booking.London).Weekday().String() },
		"dateOf":            formatDateOf,
		"dateShort":         formatDateShort,
	}
}

func optionLabel(opts []booking.Option, v string) string {
	for _, o := range opts {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

// formatMoney shows pence as pounds, like "£12.50", and nothing as "Free".
func formatMoney(pence int64) string {
	if pence == 0 {
		return "Free"
	}
	sign := ""
	if pence < 0 {
		sign, pence = "-", -pence
	}
	pounds := strconv.FormatInt(pence/100, 10)
	for i := len(pounds) - 3; i > 0; i -= 3 {
		pounds = pounds[:i] + "," + pounds[i:]
	}
	return fmt.Sprintf("%s£%s.%02d", sign, pounds, pence%100)
}

// formatRate shows a standard rate with its unit, like "£15.00 per hour".
func formatRate(pence int64, unit string) string {
	if pence == 0 {
		return "Free"
	}
	per := map[string]string{"hour": "per hour", "day": "per day", "season": "per season"}[unit]
	if per == "" {
		return formatMoney(pence)
	}
	return formatMoney(pence) + " " + per
}

// parsePounds reads an amount of money typed in pounds, like "12.50",
// "£12.5" or "1,250", into pence with integer arithmetic only.
func parsePounds(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "£"))
	s = strings.ReplaceAll(s, ",", "")
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" && (!hasPoint || frac == "") {
		return 0, false
	}
	if len(frac) > 2 || (hasPoint && frac == "") || len(whole) > 9 {
		return 0, false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	var pounds int64
	if whole != "" {
		pounds, _ = strconv.ParseInt(whole, 10, 64)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	pence, _ := strconv.ParseInt(frac, 10, 64)
	return pounds*100 + pence, true
}

// poundsValue is pence as a form shows it for editing, like "12.50".
func poundsValue(pence int64) string {
	return fmt.Sprintf("%d.%02d", pence/100, pence%100)
}

// formatMinutes shows a duration, like "1 hour 30 minutes".
func formatMinutes(m int) string {
	if m == 0 {
		return "None"
	}
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return strconv.Itoa(n) + " " + unit + "s"
	}
	var parts []string
	if m >= 60 {
		parts = append(parts, plural(m/60, "hour"))
	}
	if m%60 != 0 {
		parts = append(parts, plural(m%60, "minute"))
	}
	return strings.Join(parts, " ")
}

// formatDate shows an instant's date in London, like "21 November 2026".
func formatDate(t time.Time) string { return t.In(london).Format("2 January 2006") }

// formatDateTime shows an instant in London, like "21 November 2026 at 3:04pm".
func formatDateTime(t time.Time) string {
	return t.In(london).Format("2 January 2006 at 3:04pm")
}

// formatCoords shows map coordinates as text, like "53.4021, -2.1705".
func formatCoords(lat, lon *float64) string {
	if lat == nil || lon == nil {
		return ""
	}
	return strconv.FormatFloat(*lat, 'f', -1, 64) + ", " + strconv.FormatFloat(*lon, 'f', -1, 64)
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// verificationTag is the NHS.UK tag colour for a verification state.
func verificationTag(state string) string {
	switch state {
	case booking.Verified:
		return "nhsuk-tag--green"
	case booking.Suspended:
		return "nhsuk-tag--red"
	}
	return "nhsuk-tag--yellow"
}

// prependOption puts an option, like "Choose an organisation", before a
// list of options.
func prependOption(value, label string, opts []booking.Option) []booking.Option {
	return append([]booking.Option{{Value: value, Label: label}}, opts...)
}

// eventLabel says what a change in a booking's history was.
func eventLabel(action string) string {
	switch action {
	case "create":
		return "Booked"
	case booking.ActionApprove:
		return "Approved"
	case booking.ActionDecline:
		return "Declined"
	case booking.ActionCancel:
		return "Cancelled"
	case "expire":
		return "Hold ran out"
	case booking.ActionInvoicePaid:
		return "Invoice paid"
	}
	return action
}

// stateTag is the NHS.UK tag colour for a booking state.
func stateTag(state string) string {
	switch state {
	case booking.Confirmed:
		return "nhsuk-tag--green"
	case booking.Requested:
		return "nhsuk-tag--yellow"
	case booking.PendingPayment:
		return "nhsuk-tag--blue"
	case booking.Declined:
		return "nhsuk-tag--red"
	}
	return "nhsuk-tag--grey"
}

// dict builds a map from key and value pairs, to pass several values to a
// partial template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict needs key and value pairs")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// describedBy is the aria-describedby of a form field given to a partial
// template: its hint and its error message, when it has them.
func describedBy(field map[string]any) string {
	id, _ := field["ID"].(string)
	hint, _ := field["Hint"].(string)
	var ids []string
	if hint != "" {
		ids = append(ids, id+"-hint")
	}
	if v, ok := field["V"].(*view); ok && v.Errors.ByID[id] != "" {
		ids = append(ids, id+"-error")
	}
	return strings.Join(ids, " ")
}

// formatPeople shows a capacity, like "Up to 12 people".
func formatPeople(n int) string {
	if n == 1 {
		return "1 person"
	}
	return "Up to " + strconv.Itoa(n) + " people"
}

// formatNotice shows how soon before it starts a space can be booked.
func formatNotice(hours int) string {
	switch {
	case hours == 0:
		return "None: it can be booked until it starts"
	case hours == 1:
		return "At least 1 hour before"
	case hours%24 == 0 && hours >= 48:
		return "At least " + strconv.Itoa(hours/24) + " days before"
	}
	return "At least " + strconv.Itoa(hours) + " hours before"
}
