package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/common-room/commonroom/models"
)

func TestParsePounds(t *testing.T) {
	good := map[string]int64{
		"0": 0, "12": 1200, "12.5": 1250, "12.50": 1250, "£12.50": 1250, " £ 7.05 ": 705,
		".5": 50, "1,250.00": 125000, "999999999.99": 99999999999,
	}
	for in, want := range good {
		if got, ok := parsePounds(in); !ok || got != want {
			t.Errorf("parsePounds(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "£", ".", "12.", "12.505", "-1", "1e3", "twelve", "12.5p", "1 000", "0x10", "1234567890", "١٢"} {
		if got, ok := parsePounds(in); ok {
			t.Errorf("parsePounds(%q) = %d, want it refused", in, got)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	for pence, want := range map[int64]string{0: "Free", 1: "£0.01", 1250: "£12.50", 123456: "£1,234.56", 100_000_00: "£100,000.00"} {
		if got := formatMoney(pence); got != want {
			t.Errorf("formatMoney(%d) = %q, want %q", pence, got, want)
		}
	}
	if got := formatRate(1500, "hour"); got != "£15.00 per hour" {
		t.Errorf("formatRate = %q", got)
	}
	if got := formatRate(0, "day"); got != "Free" {
		t.Errorf("formatRate = %q", got)
	}
	if got := formatMinutes(90); got != "1 hour 30 minutes" {
		t.Errorf("formatMinutes = %q", got)
	}
}

func TestSpacePages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		add := "/manage/sites/" + itoa(e.siteA.ID) + "/spaces/new"
		spaces := func() int64 {
			_, n, err := e.store.Spaces(context.Background(), models.SpaceFilter{AllHidden: true}, models.Page{})
			must(t, err)
			return n
		}
		e.step(t, "bad numbers and a bad rate are listed together and nothing is added", func(t *testing.T) {
			before := spaces()
			form := spaceFormValues("Quiet Room")
			form.Set("capacity", "lots")
			form.Set("rate", "12.505")
			form.Set("buffer_minutes", "7")
			form.Set("kind", "ballroom")
			body := e.postForm(add, asManager, form).wantStatus(http.StatusUnprocessableEntity).wantBody(
				`<a href="#kind">`, `<a href="#capacity">Capacity must be a whole number, like 12</a>`,
				`<a href="#buffer_minutes">Must be a multiple of 5 minutes</a>`,
				`<a href="#rate">Enter the rate in pounds and pence, like 12.50</a>`,
				`id="capacity-error"`, `value="lots"`, `value="12.505"`,
			).Body.String()
			if strings.Index(body, `href="#capacity"`) > strings.Index(body, `href="#rate"`) {
				t.Errorf("the error summary is not in the order of the form")
			}
			if spaces() != before {
				t.Fatalf("a space was added")
			}
		})
		e.step(t, "an empty or huge rate is refused in pounds", func(t *testing.T) {
			form := spaceFormValues("Quiet Room")
			form.Set("rate", "")
			e.postForm(add, asManager, form).wantStatus(http.StatusUnprocessableEntity).
				wantBody("Enter the standard rate in pounds, or 0 if it is free")
			form.Set("rate", "100000.01")
			e.postForm(add, asManager, form).wantStatus(http.StatusUnprocessableEntity).
				wantBody("The rate must be £100,000.00 or less")
		})
		e.step(t, "a valid space is added with its rate in pence and shown", func(t *testing.T) {
			r := e.postForm(add, asManager, spaceFormValues("Quiet Room")).wantStatus(http.StatusSeeOther)
			if r.flash() != "Quiet Room has been added." {
				t.Fatalf("flash %q", r.flash())
			}
			list, _, err := e.store.Spaces(context.Background(), models.SpaceFilter{SiteID: e.siteA.ID, AllHidden: true}, models.Page{})
			must(t, err)
			var got *models.Space
			for i := range list {
				if list[i].Name == "Quiet Room" {
					got = &list[i]
				}
			}
			if got == nil || got.RatePence != 1250 || got.Capacity != 8 || len(got.Features) != 2 || !got.StepFree {
				t.Fatalf("got %+v", got)
			}
			if want := "/spaces/" + itoa(got.ID); r.Header().Get("Location") != want {
				t.Fatalf("location %q, want %q", r.Header().Get("Location"), want)
			}
			e.getPage("/spaces/"+itoa(got.ID), anonymous).wantStatus(http.StatusOK).
				wantBody("£12.50 per hour", "Up to 8 people", "projector", "1 hour to 4 hours, in steps of 30 minutes")
		})
		e.step(t, "a second space with the same name is a conflict on the name", func(t *testing.T) {
			e.postForm(add, asManager, spaceFormValues(e.spaceA.Name)).wantStatus(http.StatusConflict).
				wantBody(`<a href="#name">`, "already exists")
		})
		e.step(t, "a space booked by the day needs no slot lengths", func(t *testing.T) {
			form := spaceFormValues("Garden plot 4")
			form.Set("booking_unit", "season")
			form.Set("min_minutes", "")
			form.Set("max_minutes", "")
			form.Set("rate", "0")
			r := e.postForm(add, asManager, form).wantStatus(http.StatusSeeOther)
			e.getPage(r.Header().Get("Location"), anonymous).wantBody("Free", "By the season").wantNoBody("Length of a booking")
		})
		e.step(t, "editing shows the current values and saves changes", func(t *testing.T) {
			edit := "/manage/spaces/" + itoa(e.spaceA.ID) + "/edit"
			e.getPage(edit, asManager).wantStatus(http.StatusOK).wantBody(`value="`+e.spaceA.Name+`"`, `value="0.00"`, `value="6"`)
			form := spaceFormValues(e.spaceA.Name)
			form.Set("visibility", "hidden")
			e.postForm(edit, asManager, form).wantRedirect("/spaces/" + itoa(e.spaceA.ID))
			e.getPage("/spaces/"+itoa(e.spaceA.ID), anonymous).wantStatus(http.StatusNotFound)
			e.getPage("/spaces/"+itoa(e.spaceA.ID), asManager).wantStatus(http.StatusOK).wantBody("Only the estates team can see this space")
		})
		e.step(t, "a hidden space does not exist for another site's manager", func(t *testing.T) {
			e.getPage("/manage/spaces/"+itoa(e.hiddenA.ID)+"/edit", asOtherMgr).wantStatus(http.StatusNotFound)
			e.getPage("/manage/spaces/"+itoa(e.spaceB.ID)+"/edit", asManager).wantStatus(http.StatusForbidden)
			e.postForm("/manage/sites/"+itoa(e.siteB.ID)+"/spaces/new", asManager, spaceFormValues("Mine")).wantStatus(http.StatusForbidden)
		})
		e.step(t, "unknown ids are 404 pages", func(t *testing.T) {
			e.getPage("/spaces/999999", anonymous).wantStatus(http.StatusNotFound).wantBody("Page not found")
			e.getPage("/spaces/abc", anonymous).wantStatus(http.StatusNotFound)
			e.getPage("/manage/sites/999999/spaces/new", asAdmin).wantStatus(http.StatusNotFound)
		})
	})
}
