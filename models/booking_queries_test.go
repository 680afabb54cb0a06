package models_test

import (
	"context"
	"testing"

	"github.com/common-room/commonroom/models/modelstest"
)

func TestBookingPartiesReadsSpaceAndOrganisationTogether(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		f := newBookingFixture(t, db, 0)
		ctx := context.Background()
		tests := []struct {
			name             string
			spaceID, orgID   int64
			wantSpace, wantO bool
		}{
			{"both", f.space.ID, f.orgID, true, true},
			{"no such space", f.space.ID + 100, f.orgID, false, true},
			{"no such organisation", f.space.ID, f.orgID + 100, true, false},
			{"neither", 0, 0, false, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				sp, o, err := f.store.BookingParties(ctx, tt.spaceID, tt.orgID)
				if err != nil {
					t.Fatal(err)
				}
				if (sp != nil) != tt.wantSpace || (o != nil) != tt.wantO {
					t.Fatalf("space %v, organisation %v; want space %v, organisation %v", sp != nil, o != nil, tt.wantSpace, tt.wantO)
				}
				if sp != nil && (sp.ID != f.space.ID || sp.Name != f.space.Name || sp.SiteID != f.space.SiteID ||
					sp.Visibility != "public" || sp.MaxMinutes != f.space.MaxMinutes) {
					t.Errorf("space %+v, want %+v", sp, f.space)
				}
				if o != nil && (o.ID != f.orgID || o.Name != "Knit and Natter" || o.Type != "community_group" || o.Verification == "") {
					t.Errorf("organisation %+v", o)
				}
			})
		}
	})
}
