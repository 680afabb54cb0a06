package seeds

import (
	"context"
	"fmt"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// The demo rent policies: the estate's default, a site that charges VAT
// and keeps full rate for private hire, and a site with cheaper evenings
// and weekends for community use.

// vcsTypes are the voluntary and community sector's kinds of organisation.
var vcsTypes = []string{"registered_charity", "community_interest_company", "community_group", "social_enterprise", "faith_or_tenants_group"}

// communityPurposes are every purpose but private or commercial hire.
var communityPurposes = []string{"social_prescribing", "health_wellbeing", "community"}

var (
	// ruleVCSWellbeing makes wellbeing work by verified groups free, up to
	// 40 hours a month for each group at each site.
	ruleVCSWellbeing = booking.RentRule{
		Name: "VCS wellbeing", OrganisationTypes: vcsTypes, VerifiedOnly: true,
		Purposes: []string{"social_prescribing", "health_wellbeing"}, MonthlyCapHours: 40, DiscountPercent: 100,
	}
	// ruleCharitable halves the rent of verified groups' other community
	// use, and of wellbeing hours beyond the free 40; private hire is at
	// the standard rate.
	ruleCharitable = booking.RentRule{
		Name: "Charitable and community use", OrganisationTypes: vcsTypes, VerifiedOnly: true,
		Purposes: communityPurposes, DiscountPercent: 50,
	}
	// ruleNHS: NHS services pay nothing for NHS rooms; the cost is internal.
	ruleNHS = booking.RentRule{
		Name: "NHS services", OrganisationTypes: []string{"nhs_service"}, VerifiedOnly: true, DiscountPercent: 100,
	}
	// rulePrivateHire names the standard rate for private or commercial
	// hire, so its price says why.
	rulePrivateHire = booking.RentRule{
		Name: "Private or commercial hire", Purposes: []string{"private_commercial"}, DiscountPercent: 0,
	}
	// ruleEvenings and ruleWeekends take 75% off community use when the
	// building is otherwise quiet: after the free wellbeing hours, before
	// the estate's half rate.
	ruleEvenings = booking.RentRule{
		Name: "Community evenings", OrganisationTypes: vcsTypes, VerifiedOnly: true, Purposes: communityPurposes,
		Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		From:     18 * 60, To: 22 * 60, DiscountPercent: 75,
	}
	ruleWeekends = booking.RentRule{
		Name: "Community weekends", OrganisationTypes: vcsTypes, VerifiedOnly: true, Purposes: communityPurposes,
		Weekdays: []time.Weekday{time.Saturday, time.Sunday}, DiscountPercent: 75,
	}
)

// demoPolicy is a rent policy to save once: the estate's (no Site) or a
// site's, changed by a demo account.
type demoPolicy struct {
	Site string
	By   string
	models.PolicySettings
}

// demoPolicies are saved in order, before the demo bookings, so that the
// bookings carry quotes made under them.
var demoPolicies = []demoPolicy{
	{By: "admin@example.org", PolicySettings: models.PolicySettings{OwnRules: true,
		Rules: []booking.RentRule{ruleVCSWellbeing, ruleCharitable, ruleNHS}}},
	// Station Road rents its rooms to private clinics in the evenings, so
	// it charges VAT on room hire and says so for private hire.
	{Site: stationRoad, By: "estates2@example.org", PolicySettings: models.PolicySettings{OwnRules: true,
		Rules:      []booking.RentRule{ruleVCSWellbeing, ruleCharitable, ruleNHS, rulePrivateHire},
		VATPercent: 20, CancellationNoticeHours: models.DefaultCancellationNoticeHours}},
	// Heaton Moor is quiet after six and at weekends.
	{Site: heatonMoor, By: "estates2@example.org", PolicySettings: models.PolicySettings{OwnRules: true,
		Rules:                   []booking.RentRule{ruleVCSWellbeing, ruleEvenings, ruleWeekends, ruleCharitable, ruleNHS},
		CancellationNoticeHours: models.DefaultCancellationNoticeHours}},
}

// loadRentPolicies saves each demo policy whose estate or site has never
// saved one, so a policy someone has since changed is left as it is.
func (l *loader) loadRentPolicies() error {
	store := l.store()
	for _, d := range demoPolicies {
		var siteID int64
		q := l.tx.Model(&models.RentPolicy{}).Where("site_id IS NULL")
		if d.Site != "" {
			site, ok := l.sites[d.Site]
			if !ok {
				return fmt.Errorf("rent policy of %s, which is not a demo site", d.Site)
			}
			siteID = site.ID
			q = l.tx.Model(&models.RentPolicy{}).Where("site_id = ?", siteID)
		}
		var n int64
		if err := q.Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if err := (booking.RentPolicy{Rules: d.Rules}).Check(); err != nil {
			return fmt.Errorf("rent policy of %q: %w", d.Site, err)
		}
		if _, err := store.SaveRentPolicy(context.Background(), siteID, d.PolicySettings, l.users[d.By].ID, l.now); err != nil {
			return fmt.Errorf("rent policy of %q: %w", d.Site, err)
		}
	}
	return nil
}
