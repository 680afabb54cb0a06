package booking

import (
	"regexp"
	"strings"
)

// Identifier schemes of UK organisations (org-id.guide codes).
const (
	SchemeCharityEW = "GB-CHC" // Charity Commission for England and Wales
	SchemeCharitySC = "GB-SC"  // Scottish Charity Regulator
	SchemeCharityNI = "GB-NIC" // Charity Commission for Northern Ireland
	SchemeCompany   = "GB-COH" // Companies House, including CICs
)

// IdentifierSchemes lists the schemes with the labels people see.
var IdentifierSchemes = []Option{
	{SchemeCharityEW, "Charity number (England and Wales)"},
	{SchemeCharitySC, "Charity number (Scotland)"},
	{SchemeCharityNI, "Charity number (Northern Ireland)"},
	{SchemeCompany, "Company number (Companies House)"},
}

var (
	charityEW = regexp.MustCompile(`^[0-9]{6,7}(-[0-9]{1,2})?$`)
	charitySC = regexp.MustCompile(`^SC[0-9]{6}$`)
	charityNI = regexp.MustCompile(`^NIC[0-9]{6}$`)
	companyNo = regexp.MustCompile(`^([0-9]{8}|(SC|NI|OE|FC|NF)[0-9]{6})$`)
	digitsRun = regexp.MustCompile(`^[0-9]{1,7}$`)
)

// NormaliseIdentifier puts an organisation identifier in its canonical form
// for its scheme (upper case, no spaces, company numbers left-padded to
// eight digits) and reports a message for a person when it is not valid.
func NormaliseIdentifier(scheme, value string) (string, string) {
	v := strings.ToUpper(strings.Join(strings.Fields(value), ""))
	switch scheme {
	case SchemeCharityEW:
		if !charityEW.MatchString(v) {
			return v, "Enter a charity number of 6 or 7 digits, like 1123456 or 1123456-1"
		}
	case SchemeCharitySC:
		if !charitySC.MatchString(v) {
			return v, "Enter a Scottish charity number: SC followed by 6 digits, like SC012345"
		}
	case SchemeCharityNI:
		if !charityNI.MatchString(v) {
			return v, "Enter a Northern Ireland charity number: NIC followed by 6 digits, like NIC101234"
		}
	case SchemeCompany:
		if digitsRun.MatchString(v) {
			v = strings.Repeat("0", 8-len(v)) + v
		}
		if !companyNo.MatchString(v) {
			return v, "Enter a company number of 8 characters: 8 digits, or SC, NI, OE, FC or NF followed by 6 digits"
		}
	default:
		return v, "Choose a scheme: GB-CHC, GB-SC, GB-NIC or GB-COH"
	}
	return v, ""
}

var postcodeFormat = regexp.MustCompile(`^([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9][A-Z]{2})$`)

// NormalisePostcode returns a UK postcode in upper case with one space before
// the inward code, and whether its format is valid. A valid format does not
// prove the postcode exists.
func NormalisePostcode(s string) (string, bool) {
	compact := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(compact) < 5 || len(compact) > 7 {
		return compact, false
	}
	pc := compact[:len(compact)-3] + " " + compact[len(compact)-3:]
	return pc, postcodeFormat.MatchString(pc)
}
