package booking

// Option is one allowed value of an enumerated field with the label people see.
type Option struct {
	Value string
	Label string
}

func labelOf(opts []Option, v string) string {
	for _, o := range opts {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

func validOption(opts []Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

// Values returns the machine values of opts, for API documentation and errors.
func Values(opts []Option) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Value
	}
	return out
}

// SpaceKinds are the kinds of bookable space in the estate.
var SpaceKinds = []Option{
	{"counselling_room", "Counselling room"},
	{"consulting_room", "Consulting room"},
	{"meeting_room", "Meeting room"},
	{"hall", "Hall"},
	{"kitchen", "Kitchen"},
	{"garden", "Garden"},
	{"allotment_plot", "Allotment plot"},
	{"sensory_room", "Sensory room"},
	{"office", "Office"},
	{"outdoor_space", "Outdoor exercise space"},
	{"other", "Other"},
}

// ValidSpaceKind reports whether k is one of SpaceKinds.
func ValidSpaceKind(k string) bool { return validOption(SpaceKinds, k) }

// SpaceKindLabel is the label people see for a space kind.
func SpaceKindLabel(k string) string { return labelOf(SpaceKinds, k) }

// BookingUnits are the units a space is booked and priced in.
var BookingUnits = []Option{
	{"hour", "By the hour"},
	{"day", "By the day"},
	{"season", "By the season (allotment plots)"},
}

// ValidBookingUnit reports whether u is one of BookingUnits.
func ValidBookingUnit(u string) bool { return validOption(BookingUnits, u) }

// BookingUnitLabel is the label people see for a booking unit.
func BookingUnitLabel(u string) string { return labelOf(BookingUnits, u) }

// ApprovalModes say whether a booking is confirmed at once or waits for an
// estates manager.
var ApprovalModes = []Option{
	{"auto", "Confirmed straight away"},
	{"manual", "Needs approval by the estates team"},
}

// ValidApprovalMode reports whether m is one of ApprovalModes.
func ValidApprovalMode(m string) bool { return validOption(ApprovalModes, m) }

// ApprovalModeLabel is the label people see for an approval mode.
func ApprovalModeLabel(m string) string { return labelOf(ApprovalModes, m) }

// Visibilities say whether a space is listed publicly.
var Visibilities = []Option{
	{"public", "Listed publicly"},
	{"hidden", "Hidden (only the estates team sees it)"},
}

// ValidVisibility reports whether v is one of Visibilities.
func ValidVisibility(v string) bool { return validOption(Visibilities, v) }

// OrganisationTypes are the kinds of body that book spaces.
var OrganisationTypes = []Option{
	{"registered_charity", "Registered charity (including CIO)"},
	{"community_interest_company", "Community interest company"},
	{"community_group", "Unincorporated community group"},
	{"social_enterprise", "Social enterprise"},
	{"faith_or_tenants_group", "Faith or tenants' group"},
	{"nhs_service", "NHS service"},
	{"local_authority", "Local authority"},
	{"commercial", "Commercial organisation"},
	{"individual", "Individual"},
}

// ValidOrganisationType reports whether t is one of OrganisationTypes.
func ValidOrganisationType(t string) bool { return validOption(OrganisationTypes, t) }

// OrganisationTypeLabel is the label people see for an organisation type.
func OrganisationTypeLabel(t string) string { return labelOf(OrganisationTypes, t) }

// Verification states of an organisation.
const (
	Unverified = "unverified"
	Verified   = "verified"
	Suspended  = "suspended"
)

// VerificationStates lists the verification states with their labels.
var VerificationStates = []Option{
	{Unverified, "Not yet verified"},
	{Verified, "Verified"},
	{Suspended, "Suspended"},
}

// ValidVerificationState reports whether s is one of VerificationStates.
func ValidVerificationState(s string) bool { return validOption(VerificationStates, s) }

// VerificationLabel is the label people see for a verification state.
func VerificationLabel(s string) string { return labelOf(VerificationStates, s) }

// Account roles. Estates managers act only on the sites they are assigned to.
const (
	RoleAdmin          = "admin"
	RoleEstatesManager = "estates_manager"
	RoleLinkWorker     = "link_worker"
	RoleMember         = "member"
)

// AccountRoles lists the platform-wide roles of an account.
var AccountRoles = []Option{
	{RoleAdmin, "Platform admin"},
	{RoleEstatesManager, "Estates manager"},
	{RoleLinkWorker, "Link worker"},
	{RoleMember, "Member of an organisation"},
}

// ValidAccountRole reports whether r is one of AccountRoles.
func ValidAccountRole(r string) bool { return validOption(AccountRoles, r) }

// Roles within an organisation.
const (
	OrgAdmin  = "org_admin"
	OrgBooker = "booker"
)

// MemberRoles lists the roles a member can hold in an organisation.
var MemberRoles = []Option{
	{OrgAdmin, "Organisation admin"},
	{OrgBooker, "Booker"},
}

// ValidMemberRole reports whether r is one of MemberRoles.
func ValidMemberRole(r string) bool { return validOption(MemberRoles, r) }

// MemberRoleLabel is the label people see for an organisation role.
func MemberRoleLabel(r string) string { return labelOf(MemberRoles, r) }
