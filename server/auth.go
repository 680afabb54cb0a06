package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// passwordParams follow OWASP's argon2id recommendation (19 MiB, two
// passes, one lane): strong, and cheap enough to sign people in on two cores.
var passwordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// HashPassword returns the argon2id hash stored for a password.
func HashPassword(password string) (string, error) {
	return argon2id.CreateHash(password, passwordParams)
}

// dummyHash is compared against when no account matches, so a sign-in for
// an unknown email takes as long as one for a known email.
var dummyHash, _ = HashPassword("not a real password, only for timing")

func checkPassword(password, hash string) bool {
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}

const (
	sessionCookie   = "commonroom_session"
	sessionLifetime = 14 * 24 * time.Hour
	tokenPrefix     = "cr_"
	principalKey    = "principal"

	loginWindow         = 15 * time.Minute
	maxFailuresAccount  = 5
	maxFailuresAddress  = 20
	minPasswordLength   = 10
	maxPasswordLength   = 256
	maxEmailLength      = 254
	maxNameLength       = 120
	maxTokenNameLength  = 80
	defaultPageSize     = 50
	maxPageSize         = 100
	maxFreeTextLength   = 4000
	maxShortTextLength  = 200
	maxFeatures         = 30
	maxFeatureLength    = 40
	maxIdentifiers      = 4
	maxNoteLength       = 1000
	maxIDsInOneRequest  = 50
	maxCapacity         = 10000
	maxRatePence        = 100_000_00
	maxNoticeHours      = 24 * 365
	maxHorizonDays      = 2 * 365
	maxBufferMinutes    = 240
	maxDurationMinutes  = 24 * 60
	defaultHorizonDays  = 180
	defaultNoticeHours  = 24
	defaultMinMinutes   = 60
	defaultMaxMinutes   = 8 * 60
	defaultGranularity  = 30
	defaultBookingUnit  = "hour"
	defaultApprovalMode = "auto"
)

// principal is the signed-in account and what it may act on.
type principal struct {
	User     *models.User
	Access   models.Access
	ViaToken bool
}

func (p *principal) isAdmin() bool { return p != nil && p.User.Role == booking.RoleAdmin }

// isStaff reports whether the account works for the estate: an admin or an
// estates manager.
func (p *principal) isStaff() bool {
	return p != nil && (p.User.Role == booking.RoleAdmin || p.User.Role == booking.RoleEstatesManager)
}

// managesSite reports whether the account may change a site and its spaces.
func (p *principal) managesSite(siteID int64) bool {
	if p == nil {
		return false
	}
	return p.isAdmin() || (p.User.Role == booking.RoleEstatesManager && p.Access.ManagedSites[siteID])
}

func (p *principal) managedSiteIDs() []int64 {
	if p == nil {
		return nil
	}
	ids := make([]int64, 0, len(p.Access.ManagedSites))
	for id := range p.Access.ManagedSites {
		ids = append(ids, id)
	}
	return ids
}

// orgRole is the account's role in an organisation, or "".
func (p *principal) orgRole(orgID int64) string {
	if p == nil {
		return ""
	}
	return p.Access.OrgRoles[orgID]
}

// orgIDs are the organisations the account belongs to, in order.
func (p *principal) orgIDs() []int64 {
	if p == nil {
		return nil
	}
	ids := make([]int64, 0, len(p.Access.OrgRoles))
	for id := range p.Access.OrgRoles {
		ids = append(ids, id)
	}
	sortIDs(ids)
	return ids
}

func (p *principal) isOrgAdmin(orgID int64) bool { return p.orgRole(orgID) == booking.OrgAdmin }

func currentPrincipal(c *gin.Context) *principal {
	if v, ok := c.Get(principalKey); ok {
		return v.(*principal)
	}
	return nil
}

// hashSecret keys token hashes with the session secret, so a copy of the
// database alone does not let anyone forge a session cookie.
func (s *Server) hashSession(token string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// hashAPIToken is unkeyed so tokens survive a change of session secret.
func hashAPIToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// authenticate loads the principal from a bearer token or a session cookie.
// A bad bearer token is refused outright; a stale cookie is just ignored.
func (s *Server) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		var user *models.User
		var access models.Access
		viaToken := false
		if h := c.GetHeader("Authorization"); h != "" {
			scheme, token, _ := strings.Cut(h, " ")
			if !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(token, tokenPrefix) {
				s.fail(c, newUnauthenticated("Send an API token as Authorization: Bearer cr_…"))
				return
			}
			u, a, err := s.store.TokenPrincipal(ctx, hashAPIToken(strings.TrimSpace(token)), s.now())
			if err != nil {
				if errors.Is(err, booking.ErrNotFound) {
					err = newUnauthenticated("This API token is not valid, or has been revoked.")
				}
				s.fail(c, err)
				return
			}
			user, access, viaToken = u, a, true
		} else if ck, err := c.Cookie(sessionCookie); err == nil && ck != "" {
			u, a, err := s.store.SessionPrincipal(ctx, s.hashSession(ck), s.now())
			switch {
			case err == nil:
				user, access = u, a
			case errors.Is(err, booking.ErrNotFound):
				s.clearSessionCookie(c)
			default:
				s.fail(c, err)
				return
			}
		}
		if user != nil {
			c.Set(principalKey, &principal{User: user, Access: access, ViaToken: viaToken})
		}
		c.Next()
	}
}

type unauthenticated struct{ detail string }

func (e *unauthenticated) Error() string { return e.detail }
func (e *unauthenticated) Unwrap() error { return booking.ErrUnauthenticated }

func newUnauthenticated(detail string) error { return &unauthenticated{detail} }

type forbidden struct{ detail string }

func (e *forbidden) Error() string { return e.detail }
func (e *forbidden) Unwrap() error { return booking.ErrForbidden }

func newForbidden(detail string) error { return &forbidden{detail} }

// signedIn refuses anonymous callers.
func (s *Server) signedIn() gin.HandlerFunc {
	return func(c *gin.Context) {
		if currentPrincipal(c) == nil {
			s.fail(c, booking.ErrUnauthenticated)
			return
		}
		c.Next()
	}
}

// withRole refuses callers whose account role is not one of roles.
func (s *Server) withRole(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := currentPrincipal(c)
		if p == nil {
			s.fail(c, booking.ErrUnauthenticated)
			return
		}
		for _, r := range roles {
			if p.User.Role == r {
				c.Next()
				return
			}
		}
		s.fail(c, booking.ErrForbidden)
	}
}

// startSession signs the user in on this browser.
func (s *Server) startSession(c *gin.Context, userID int64) error {
	token := randomToken(32)
	now := s.now()
	sess := models.Session{TokenHash: s.hashSession(token), UserID: userID, CreatedAt: models.Instant(now), ExpiresAt: models.Instant(now.Add(sessionLifetime))}
	if err := s.store.CreateSession(c.Request.Context(), &sess); err != nil {
		return err
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/",
		MaxAge: int(sessionLifetime.Seconds()), HttpOnly: true,
		Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode,
	})
	return nil
}

// endSession signs this browser out.
func (s *Server) endSession(c *gin.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil && ck != "" {
		if err := s.store.DeleteSession(c.Request.Context(), s.hashSession(ck)); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return nil
}

func (s *Server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode,
	})
}

// login checks a password under the per-account and per-address limits and
// records the attempt. Both API and page sign-in call it.
func (s *Server) login(ctx context.Context, c *gin.Context, email, password string) (*models.User, error) {
	email = models.NormaliseEmail(email)
	if len(email) > maxEmailLength || len(password) > 4*maxPasswordLength {
		return nil, newUnauthenticated("The email address or password is not right.")
	}
	address := c.ClientIP()
	now := s.now()
	byEmail, byAddress, err := s.store.FailedLogins(ctx, email, address, now.Add(-loginWindow))
	if err != nil {
		return nil, err
	}
	if byEmail >= maxFailuresAccount || byAddress >= maxFailuresAddress {
		c.Header("Retry-After", strconv.Itoa(int(loginWindow.Seconds())))
		return nil, booking.ErrTooManyAttempts
	}
	u, err := s.store.UserByEmail(ctx, email)
	ok := false
	switch {
	case err == nil:
		ok = checkPassword(password, u.PasswordHash)
	case errors.Is(err, booking.ErrNotFound):
		checkPassword(password, dummyHash)
	default:
		return nil, err
	}
	if err := s.store.RecordLoginAttempt(ctx, &models.LoginAttempt{Email: email, Address: address, At: models.Instant(now), Succeeded: ok}); err != nil {
		return nil, err
	}
	if !ok {
		return nil, newUnauthenticated("The email address or password is not right.")
	}
	return u, nil
}

// validatePassword checks a new password.
func validatePassword(p *booking.Problems, field, password string) {
	switch n := len([]rune(password)); {
	case n < minPasswordLength:
		p.Add(field, "Password must be at least %d characters", minPasswordLength)
	case n > maxPasswordLength:
		p.Add(field, "Password must be at most %d characters", maxPasswordLength)
	}
}

// validateEmail checks an email address's shape.
func validateEmail(p *booking.Problems, field, email string) {
	email = strings.TrimSpace(email)
	at := strings.LastIndex(email, "@")
	switch {
	case email == "":
		p.Add(field, "Enter an email address")
	case len(email) > maxEmailLength:
		p.Add(field, "Email address must be at most %d characters", maxEmailLength)
	case at < 1 || at == len(email)-1 || !strings.Contains(email[at:], ".") || strings.ContainsAny(email, " \t\r\n<>,;"):
		p.Add(field, "Enter an email address in the correct format, like name@example.org")
	}
}
