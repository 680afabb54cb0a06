package server

import (
	"context"
	"slices"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// verifiedRule is a rent rule that only verified organisations get, where
// it applies and what it gives.
type verifiedRule struct {
	Where, Name, Summary string
}

// verificationPricing lists the rules that an organisation of type orgType
// gets only once verified: in the estate-wide policy and in the own
// policies of the sites the viewer manages (every site, for an admin).
func (s *Server) verificationPricing(ctx context.Context, who *principal, orgType string) ([]verifiedRule, error) {
	var out []verifiedRule
	add := func(where string, rules []booking.RentRule) {
		for _, r := range rules {
			if r.VerifiedOnly && (len(r.OrganisationTypes) == 0 || slices.Contains(r.OrganisationTypes, orgType)) {
				out = append(out, verifiedRule{Where: where, Name: r.Name, Summary: ruleSummary(r)})
			}
		}
	}
	estate, err := s.store.RentPolicy(ctx, 0)
	if err != nil {
		return nil, err
	}
	add("Estate-wide policy", estate.Rules)
	filter := models.SiteFilter{}
	if !who.isAdmin() {
		filter.ManagedBy = who.User.ID
	}
	sites, _, err := s.store.Sites(ctx, filter, models.Page{Number: 1, PerPage: maxPageSize})
	if err != nil {
		return nil, err
	}
	for _, site := range sites {
		p, err := s.store.RentPolicy(ctx, site.ID)
		if err != nil {
			return nil, err
		}
		if p.OwnRules {
			add(site.Name, p.Rules)
		}
	}
	return out, nil
}
