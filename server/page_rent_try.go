package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// tryMarker is the query parameter of the try-it button: a request with it
// asks for a sample booking to be priced.
const tryMarker = "try"

// tryOrder is the order of the try-it panel's inputs.
var tryOrder = []string{"try-space", "try-organisation_type", "try-verified", "try-purpose", "try-date-day", "try-start", "try-end"}

// tryForm is the sample booking of the try-it panel, as typed.
type tryForm struct {
	Space, OrganisationType, Purpose, Start, End string
	Verified                                     bool
	Date                                         dateParts
}

// tryPanel is the panel that prices a sample booking under a draft of a
// policy: the rules saved, or those of the rule form as typed.
type tryPanel struct {
	Action   string // where its GET form goes
	InForm   bool   // inside the rule form, whose rule travels with it
	Form     tryForm
	Spaces   []booking.Option
	OrgTypes []booking.Option
	Purposes []booking.Option
	Verified []checkItem
	Tried    bool
	Blocked  string // why no price is shown though one was asked for
	Result   *tryResult
}

// tryResult is the price of the sample booking, with why.
type tryResult struct {
	Space                               string
	When                                string
	Standard, Discount, Net, VAT, Total string
	VATPercent                          int
	Explanation                         string
	Parts                               []tryPart // when the booking is priced in parts
	Note                                string
}

// tryPart is a stretch of the sample booking priced under one rule.
type tryPart struct {
	When, Rule, Standard, Discount, Explanation string
}

// pounds shows pence as pounds, with nothing as £0.00.
func pounds(pence int64) string {
	if pence == 0 {
		return "£0.00"
	}
	return formatMoney(pence)
}

// trySpaces are the spaces the panel offers: a site's, or for the
// estate-wide policy every space the visitor can see.
func (s *Server) trySpaces(ctx context.Context, who *principal, sc *rentScope) ([]booking.Option, error) {
	f := models.SpaceFilter{AllHidden: true}
	if sc.Site != nil {
		f.SiteID = sc.Site.ID
	} else {
		f = visibleSpaces(who)
	}
	spaces, _, err := s.store.Spaces(ctx, f, models.Page{})
	if err != nil {
		return nil, err
	}
	out := make([]booking.Option, len(spaces))
	for i, sp := range spaces {
		label := sp.Name + " (" + formatRate(sp.RatePence, sp.BookingUnit) + ")"
		if sc.Site == nil && sp.Site != nil {
			label = sp.Site.Name + ": " + label
		}
		out[i] = booking.Option{Value: itoa(sp.ID), Label: label}
	}
	return out, nil
}

// tryPanelFor fills in the panel from the query and, when asked, prices
// the sample booking under draft; a nil draft is a policy with problems,
// which are shown already.
func (s *Server) tryPanelFor(c *gin.Context, sc *rentScope, errs *formErrors, draft *booking.RentPolicy, action string, inForm bool) (*tryPanel, error) {
	ctx := c.Request.Context()
	spaces, err := s.trySpaces(ctx, currentPrincipal(c), sc)
	if err != nil {
		return nil, err
	}
	q := c.Request.URL.Query()
	p := &tryPanel{Action: action, InForm: inForm, Spaces: spaces, OrgTypes: booking.OrganisationTypes, Purposes: booking.Purposes,
		Tried: q.Has(tryMarker) && c.Request.Method != http.MethodPost}
	p.Form = tryForm{OrganisationType: "registered_charity", Verified: true, Purpose: "community",
		Date: datePartsOf(today(s.now()).AddDays(1)), Start: "10:00", End: "12:00"}
	if len(spaces) > 0 {
		p.Form.Space = spaces[0].Value
	}
	if p.Tried {
		p.Form = tryFormFrom(q)
	}
	p.Verified = []checkItem{{ID: "try-verified", Name: "try-verified", Value: "yes", Label: "The estates team has verified it", Checked: p.Form.Verified}}
	if !p.Tried {
		return p, nil
	}
	iv, ok := p.read(errs)
	switch {
	case !ok:
		p.Blocked = "Correct the sample booking to see its price."
	case draft == nil:
		p.Blocked = "Correct the rule to see the price under it."
	default:
		p.Result, err = s.tryPrice(ctx, sc, p.Form, iv, draft)
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

func tryFormFrom(q url.Values) tryForm {
	get := func(k string) string { return cleanValue(q.Get(k)) }
	return tryForm{Space: get("try-space"), OrganisationType: get("try-organisation_type"), Verified: q.Get("try-verified") != "",
		Purpose: get("try-purpose"), Date: datePartsFrom(get, "try-date"), Start: get("try-start"), End: get("try-end")}
}

// read checks the sample booking and returns when it is.
func (p *tryPanel) read(errs *formErrors) (booking.Interval, bool) {
	f := p.Form
	before := len(errs.List)
	if f.Space == "" || optionLabel(p.Spaces, f.Space) == f.Space {
		errs.add("try-space", "Select a space")
	}
	if !booking.ValidOrganisationType(f.OrganisationType) {
		errs.add("try-organisation_type", "Select the kind of organisation")
	}
	if !booking.ValidPurpose(f.Purpose) {
		errs.add("try-purpose", "Select what the booking is for")
	}
	date, okDate := formDate(errs, "try-date", f.Date, "the date", true)
	start, okStart := formClock(errs, "try-start", f.Start, "the start time", true)
	end, okEnd := formClock(errs, "try-end", f.End, "the end time", true)
	if okStart && start == 24*60 {
		errs.add("try-start", "The start time must be before midnight")
		okStart = false
	}
	if okEnd && end == 0 {
		end = 24 * 60 // ending at midnight is the end of the day
	}
	if okStart && okEnd && end <= start {
		errs.add("try-end", "The end time must be after the start time")
		okEnd = false
	}
	if !okDate || !okStart || !okEnd || len(errs.List) > before {
		return booking.Interval{}, false
	}
	from, err1 := booking.At(date, start, booking.London)
	to, err2 := booking.At(date, end, booking.London)
	if err1 != nil {
		errs.add("try-start", "That time does not exist on that day: the clocks go forward")
	}
	if err2 != nil {
		errs.add("try-end", "That time does not exist on that day: the clocks go forward")
	}
	return booking.Interval{Start: from, End: to}, err1 == nil && err2 == nil
}

// tryPrice prices the sample booking under the draft rules, with the
// space's rate and its site's VAT, as if the organisation had used none of
// its capped hours this month.
func (s *Server) tryPrice(ctx context.Context, sc *rentScope, f tryForm, iv booking.Interval, draft *booking.RentPolicy) (*tryResult, error) {
	id, _ := strconv.ParseInt(f.Space, 10, 64)
	sp, err := s.store.SpaceByID(ctx, id)
	if err != nil {
		return nil, err
	}
	prices, err := s.store.PricesOf(ctx, id)
	if err != nil {
		return nil, err
	}
	prices.Policy = *draft
	q := booking.Quoter{Prices: prices, Purpose: f.Purpose,
		Booker: booking.Booker{OrganisationType: f.OrganisationType, Verified: f.Verified}}
	line, err := q.Line(iv)
	if err != nil {
		return nil, err
	}
	r := &tryResult{Space: sp.Name, When: formatDay(iv.Start) + ", " + formatTimes(iv.Start, iv.End),
		Standard: pounds(line.StandardPence), Discount: pounds(line.DiscountPence), Net: pounds(line.NetPence),
		VAT: pounds(line.VATPence), VATPercent: line.VATPercent, Total: formatMoney(line.TotalPence), Explanation: line.Explanation}
	if len(line.Parts) > 1 {
		for _, part := range line.Parts {
			r.Parts = append(r.Parts, tryPart{When: formatSpan(part.Interval), Rule: part.Rule,
				Standard: pounds(part.StandardPence), Discount: pounds(part.DiscountPence), Explanation: part.Explanation})
		}
	}
	if sc.Site == nil && sp.Site != nil {
		site, err := s.store.RentPolicy(ctx, sp.SiteID)
		if err != nil {
			return nil, err
		}
		if site.OwnRules {
			r.Note = sp.Site.Name + " has rules of its own, so its bookings are not priced like this: this is the price if it used the estate-wide rules."
		}
	}
	return r, nil
}
