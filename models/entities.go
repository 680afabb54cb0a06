package models

import "time"

// User is an account that signs in with an email address and a password.
type User struct {
	ID           int64  `gorm:"primaryKey"`
	Email        string `gorm:"uniqueIndex;not null"`
	Name         string `gorm:"not null"`
	PasswordHash string `gorm:"not null"`
	Role         string `gorm:"not null"` // booking.Role*
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Session is a signed-in browser. The cookie holds the token; the database
// holds only its hash.
type Session struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    int64  `gorm:"index;not null"`
	CreatedAt time.Time
	ExpiresAt time.Time `gorm:"index;not null"`
}

// APIToken is a bearer token for API clients, stored hashed.
type APIToken struct {
	ID         int64  `gorm:"primaryKey"`
	UserID     int64  `gorm:"index;not null"`
	Name       string `gorm:"not null"`
	Hash       string `gorm:"uniqueIndex;not null"`
	Prefix     string `gorm:"not null"`
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// LoginAttempt records a sign-in attempt, for rate limiting per account and
// per address across every server process.
type LoginAttempt struct {
	ID        int64     `gorm:"primaryKey"`
	Email     string    `gorm:"index;not null"`
	Address   string    `gorm:"index;not null"`
	At        time.Time `gorm:"index;not null"`
	Succeeded bool      `gorm:"not null"`
}

// Setting is a named value the deployment keeps in its database, such as a
// generated session secret shared by every replica.
type Setting struct {
	Key   string `gorm:"primaryKey"`
	Value string `gorm:"not null"`
}

// Site is an NHS building with spaces in it.
type Site struct {
	ID               int64    `gorm:"primaryKey"`
	Name             string   `gorm:"not null"`
	AddressLine1     string   `gorm:"not null"`
	AddressLine2     string   `gorm:"not null"`
	Town             string   `gorm:"not null"`
	Postcode         string   `gorm:"not null"`
	Latitude         *float64 //
	Longitude        *float64 //
	Description      string   `gorm:"not null"`
	OpeningHours     string   `gorm:"not null"` // a summary for people; bookable hours are rows of their own
	StepFree         bool     `gorm:"not null"`
	AccessibleToilet bool     `gorm:"not null"`
	ChangingPlaces   bool     `gorm:"not null"`
	HearingLoop      bool     `gorm:"not null"`
	Parking          bool     `gorm:"not null"`
	ParkingNotes     string   `gorm:"not null"`
	PublicTransport  string   `gorm:"not null"`
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Managers         []User  `gorm:"many2many:site_managers"`
	Spaces           []Space `gorm:"foreignKey:SiteID"`
}

// SiteManager assigns an estates manager to a site.
type SiteManager struct {
	SiteID int64 `gorm:"primaryKey"`
	UserID int64 `gorm:"primaryKey"`
}

// Space is something bookable inside a site.
type Space struct {
	ID                 int64  `gorm:"primaryKey"`
	SiteID             int64  `gorm:"index;not null"`
	Name               string `gorm:"not null"`
	Kind               string `gorm:"not null"`
	Description        string `gorm:"not null"`
	Capacity           int    `gorm:"not null"`
	StepFree           bool   `gorm:"not null"`
	HearingLoop        bool   `gorm:"not null"`
	AccessibleToilet   bool   `gorm:"not null"`
	AccessNotes        string `gorm:"not null"`
	BookingUnit        string `gorm:"not null"`
	GranularityMinutes int    `gorm:"not null"`
	MinMinutes         int    `gorm:"not null"`
	MaxMinutes         int    `gorm:"not null"`
	NoticeHours        int    `gorm:"not null"`
	HorizonDays        int    `gorm:"not null"`
	BufferMinutes      int    `gorm:"not null"`
	ApprovalMode       string `gorm:"not null"`
	RatePence          int64  `gorm:"not null"`
	Visibility         string `gorm:"not null"`
	OwnOpeningHours    bool   `gorm:"not null"`
	CreatedAt          time.Time
	UpdatedAt          time.Time
	Site               *Site          `gorm:"foreignKey:SiteID"`
	Features           []SpaceFeature `gorm:"foreignKey:SpaceID"`
}

// SpaceFeature is one piece of kit or one quality a space offers
// ("projector", "sink", "raised beds").
type SpaceFeature struct {
	SpaceID int64  `gorm:"primaryKey"`
	Feature string `gorm:"primaryKey"`
}

// Organisation is a body that books spaces.
type Organisation struct {
	ID               int64  `gorm:"primaryKey"`
	Name             string `gorm:"not null"`
	Type             string `gorm:"not null"`
	Description      string `gorm:"not null"`
	Email            string `gorm:"not null"`
	Phone            string `gorm:"not null"`
	Website          string `gorm:"not null"`
	Verification     string `gorm:"not null;index"`
	VerificationNote string `gorm:"not null"`
	VerifiedByID     *int64
	VerifiedBy       *User `gorm:"foreignKey:VerifiedByID"`
	VerifiedAt       *time.Time
	PaysByInvoice    bool `gorm:"not null"`
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Identifiers      []OrganisationIdentifier `gorm:"foreignKey:OrganisationID"`
	Members          []Membership             `gorm:"foreignKey:OrganisationID"`
}

// OrganisationIdentifier is a registration number under a scheme such as
// GB-CHC (Charity Commission) or GB-COH (Companies House).
type OrganisationIdentifier struct {
	ID             int64  `gorm:"primaryKey"`
	OrganisationID int64  `gorm:"index;not null"`
	Scheme         string `gorm:"not null"`
	Value          string `gorm:"not null"`
}

// Membership gives a user a role in an organisation.
type Membership struct {
	OrganisationID int64  `gorm:"primaryKey"`
	UserID         int64  `gorm:"primaryKey;index"`
	Role           string `gorm:"not null"`
	CreatedAt      time.Time
	User           *User         `gorm:"foreignKey:UserID"`
	Organisation   *Organisation `gorm:"foreignKey:OrganisationID"`
}

// VerificationEvent records who verified or suspended an organisation,
// when, and why.
type VerificationEvent struct {
	ID             int64     `gorm:"primaryKey"`
	OrganisationID int64     `gorm:"index;not null"`
	State          string    `gorm:"not null"`
	Note           string    `gorm:"not null"`
	ByUserID       int64     `gorm:"not null"`
	At             time.Time `gorm:"not null"`
	By             *User     `gorm:"foreignKey:ByUserID"`
}

// OpeningWindow is a weekly opening window of a site, or of a space that
// keeps its own hours. Opens and Closes are minutes after local midnight.
type OpeningWindow struct {
	ID      int64 `gorm:"primaryKey"`
	SiteID  *int64
	SpaceID *int64
	Weekday int `gorm:"not null"`
	Opens   int `gorm:"not null"`
	Closes  int `gorm:"not null"`
}

// Closure is a time a site or a space is shut: a bank holiday, maintenance.
type Closure struct {
	ID          int64 `gorm:"primaryKey"`
	SiteID      *int64
	SpaceID     *int64
	StartsAt    time.Time `gorm:"not null"`
	EndsAt      time.Time `gorm:"not null"`
	Reason      string    `gorm:"not null"`
	CreatedByID *int64
	CreatedAt   time.Time
}

// Series is a recurring booking; its occurrences are bookings that point
// to it.
type Series struct {
	ID             int64  `gorm:"primaryKey"`
	SpaceID        int64  `gorm:"not null"`
	OrganisationID int64  `gorm:"not null"`
	Frequency      string `gorm:"not null"`
	FirstDate      string `gorm:"not null"`
	UntilDate      string `gorm:"not null"`
	Count          int    `gorm:"not null"`
	StartClock     int    `gorm:"not null"`
	EndClock       int    `gorm:"not null"`
	IntervalWeeks  int    `gorm:"not null"` // weeks between dates of a weekly series
	SkipDates      string `gorm:"not null"` // YYYY-MM-DD dates left out, comma-separated
	Purpose        string `gorm:"not null"`
	CreatedByID    *int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Space          *Space        `gorm:"foreignKey:SpaceID"`
	Organisation   *Organisation `gorm:"foreignKey:OrganisationID"`
	Bookings       []Booking     `gorm:"foreignKey:SeriesID"`
}

// TableName keeps the plural the migration uses.
func (Series) TableName() string { return "series" }

// Booking is one space for one organisation over one interval.
type Booking struct {
	ID             int64 `gorm:"primaryKey"`
	SpaceID        int64 `gorm:"not null"`
	OrganisationID int64 `gorm:"not null"`
	SeriesID       *int64
	StartsAt       time.Time `gorm:"not null"`
	EndsAt         time.Time `gorm:"not null"`
	BlockEnd       time.Time `gorm:"not null"`
	State          string    `gorm:"not null"`
	Purpose        string    `gorm:"not null"`
	Attendees      int       `gorm:"not null"`
	Notes          string    `gorm:"not null"`
	HoldExpiresAt  *time.Time
	Sequence       int `gorm:"not null"`
	CreatedByID    *int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// The quote the booking was made with; changing the policy later never
	// changes it.
	StandardPence    int64  `gorm:"not null"`
	DiscountPence    int64  `gorm:"not null"`
	VATPercent       int    `gorm:"column:vat_percent;not null"`
	VATPence         int64  `gorm:"column:vat_pence;not null"`
	TotalPence       int64  `gorm:"not null"`
	PriceExplanation string `gorm:"not null"`
	PolicyID         *int64
	// How the price is paid (booking.Payment*), and by what.
	Payment           string `gorm:"not null"`
	CheckoutSessionID *string
	PaymentIntentID   *string
	PaidPence         int64           `gorm:"not null"`
	RefundedPence     int64           `gorm:"not null"`
	Space             *Space          `gorm:"foreignKey:SpaceID"`
	Organisation      *Organisation   `gorm:"foreignKey:OrganisationID"`
	Events            []BookingEvent  `gorm:"foreignKey:BookingID"`
	Charges           []BookingCharge `gorm:"foreignKey:BookingID"`
}

// BookingCharge is a stretch of a booking priced under one rule of the rent
// policy (or, with no rule, at the standard rate).
type BookingCharge struct {
	ID              int64     `gorm:"primaryKey"`
	BookingID       int64     `gorm:"not null"`
	StartsAt        time.Time `gorm:"not null"`
	EndsAt          time.Time `gorm:"not null"`
	Minutes         int       `gorm:"not null"`
	RuleName        string    `gorm:"not null"`
	DiscountPercent int       `gorm:"not null"`
	StandardPence   int64     `gorm:"not null"`
	DiscountPence   int64     `gorm:"not null"`
	Explanation     string    `gorm:"not null"`
}

// RentPolicy is one version of the estate-wide rent policy (no site) or of
// a site's own. Rules holds the rules as JSON (see StoredRule).
type RentPolicy struct {
	ID                      int64 `gorm:"primaryKey"`
	SiteID                  *int64
	Version                 int    `gorm:"not null"`
	OwnRules                bool   `gorm:"not null"`
	Rules                   string `gorm:"not null"`
	VATPercent              int    `gorm:"column:vat_percent;not null"`
	CancellationNoticeHours int    `gorm:"not null"`
	ChangedByID             *int64
	ChangedAt               time.Time `gorm:"not null"`
	ChangedBy               *User     `gorm:"foreignKey:ChangedByID"`
}

// BookingEvent records one change of a booking: who, when, why.
type BookingEvent struct {
	ID        int64  `gorm:"primaryKey"`
	BookingID int64  `gorm:"not null"`
	Action    string `gorm:"not null"`
	FromState string `gorm:"not null"`
	ToState   string `gorm:"not null"`
	Reason    string `gorm:"not null"`
	// AmountPence is the money a payment, refund or invoice moved.
	AmountPence int64 `gorm:"not null"`
	ByUserID    *int64
	At          time.Time `gorm:"not null"`
	By          *User     `gorm:"foreignKey:ByUserID"`
}

// IdempotencyKey remembers the answer to a request sent with an
// Idempotency-Key header, so a retry gets the same answer.
type IdempotencyKey struct {
	UserID      int64  `gorm:"primaryKey"`
	Key         string `gorm:"primaryKey"`
	RequestHash string `gorm:"not null"`
	Status      int    `gorm:"not null"`
	Response    string `gorm:"not null"`
	CreatedAt   time.Time
}

// StripeEvent is a Stripe webhook event already processed, so that a
// replay or a second delivery does nothing.
type StripeEvent struct {
	ID         string    `gorm:"primaryKey"`
	Type       string    `gorm:"not null"`
	ReceivedAt time.Time `gorm:"not null"`
	Outcome    string    `gorm:"not null"`
}
