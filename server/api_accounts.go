package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// userJSON is an account as the API shows it.
type userJSON struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

func toUserJSON(u *models.User) userJSON {
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

// meJSON is the signed-in account with what it may act on.
type meJSON struct {
	userJSON
	Organisations []memberOfJSON `json:"organisations"`
	ManagedSites  []int64        `json:"managed_sites"`
}

type memberOfJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

func (s *Server) meFor(c *gin.Context, u *models.User) (meJSON, error) {
	ms, err := s.store.MembershipsOf(c.Request.Context(), u.ID)
	if err != nil {
		return meJSON{}, err
	}
	access, err := s.store.AccessOf(c.Request.Context(), u.ID)
	if err != nil {
		return meJSON{}, err
	}
	me := meJSON{userJSON: toUserJSON(u), Organisations: []memberOfJSON{}, ManagedSites: []int64{}}
	for _, m := range ms {
		me.Organisations = append(me.Organisations, memberOfJSON{ID: m.OrganisationID, Name: m.Organisation.Name, Role: m.Role})
	}
	for id := range access.ManagedSites {
		me.ManagedSites = append(me.ManagedSites, id)
	}
	sortIDs(me.ManagedSites)
	return me, nil
}

type registerRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

// register creates an account for a member of an organisation and signs it in.
func (s *Server) register(req registerRequest, c *gin.Context) (*models.User, error) {
	var p booking.Problems
	validateEmail(&p, "email", req.Email)
	req.Name = strings.TrimSpace(req.Name)
	checkText(&p, "name", req.Name, true, maxNameLength)
	validatePassword(&p, "password", req.Password)
	if err := p.Err(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(req.Password)
	if err != nil {
		return nil, err
	}
	u := models.User{Email: req.Email, Name: req.Name, PasswordHash: hash, Role: booking.RoleMember}
	if err := s.store.CreateUser(c.Request.Context(), &u); err != nil {
		return nil, err
	}
	if err := s.startSession(c, u.ID); err != nil {
		return nil, err
	}
	return &u, nil
}

func (s *Server) apiRegister() gin.HandlerFunc {
	return func(c *gin.Context) {
		var req registerRequest
		if err := decodeJSON(c, &req); err != nil {
			s.fail(c, err)
			return
		}
		u, err := s.register(req, c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.respondMe(c, http.StatusCreated, u)
	}
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (s *Server) apiLogin() gin.HandlerFunc {
	return func(c *gin.Context) {
		var req loginRequest
		if err := decodeJSON(c, &req); err != nil {
			s.fail(c, err)
			return
		}
		var p booking.Problems
		if strings.TrimSpace(req.Email) == "" {
			p.Add("email", "Enter your email address")
		}
		if req.Password == "" {
			p.Add("password", "Enter your password")
		}
		if err := p.Err(); err != nil {
			s.fail(c, err)
			return
		}
		u, err := s.login(c.Request.Context(), c, req.Email, req.Password)
		if err == nil {
			err = s.startSession(c, u.ID)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.respondMe(c, http.StatusOK, u)
	}
}

func (s *Server) respondMe(c *gin.Context, status int, u *models.User) {
	me, err := s.meFor(c, u)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(status, me)
}

func (s *Server) apiLogout() gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := s.endSession(c); err != nil {
			s.fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}
}

func (s *Server) apiMe() gin.HandlerFunc {
	return func(c *gin.Context) {
		s.respondMe(c, http.StatusOK, currentPrincipal(c).User)
	}
}

// tokenJSON is an API token as listed; the secret itself is shown once, when
// it is created.
type tokenJSON struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	Token      string     `json:"token,omitempty"`
}

func toTokenJSON(t *models.APIToken) tokenJSON {
	out := tokenJSON{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt.UTC()}
	if t.LastUsedAt != nil {
		at := t.LastUsedAt.UTC()
		out.LastUsedAt = &at
	}
	return out
}

type createTokenRequest struct {
	Name string `json:"name"`
}

func (s *Server) apiCreateToken() gin.HandlerFunc {
	return func(c *gin.Context) {
		var req createTokenRequest
		if err := decodeJSON(c, &req); err != nil {
			s.fail(c, err)
			return
		}
		var p booking.Problems
		req.Name = strings.TrimSpace(req.Name)
		checkText(&p, "name", req.Name, true, maxTokenNameLength)
		if err := p.Err(); err != nil {
			s.fail(c, err)
			return
		}
		secret := tokenPrefix + randomToken(24)
		t := models.APIToken{
			UserID: currentPrincipal(c).User.ID, Name: req.Name,
			Hash: hashAPIToken(secret), Prefix: secret[:len(tokenPrefix)+6],
		}
		if err := s.store.CreateToken(c.Request.Context(), &t); err != nil {
			s.fail(c, err)
			return
		}
		out := toTokenJSON(&t)
		out.Token = secret
		c.JSON(http.StatusCreated, out)
	}
}

func (s *Server) apiListTokens() gin.HandlerFunc {
	return func(c *gin.Context) {
		ts, err := s.store.TokensOf(c.Request.Context(), currentPrincipal(c).User.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		out := make([]tokenJSON, len(ts))
		for i := range ts {
			out[i] = toTokenJSON(&ts[i])
		}
		c.JSON(http.StatusOK, gin.H{"items": out})
	}
}

func (s *Server) apiDeleteToken() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		if err == nil {
			err = s.store.DeleteToken(c.Request.Context(), currentPrincipal(c).User.ID, id)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}
}

// pathID reads a numeric id from the URL; anything else is a 404, because
// no such resource can exist.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 || c.Param(name) != strconv.FormatInt(id, 10) {
		return 0, booking.ErrNotFound
	}
	return id, nil
}
