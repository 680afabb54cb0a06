package models_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

func TestMain(m *testing.M) { os.Exit(modelstest.Main(m)) }

func TestParseURL(t *testing.T) {
	tests := []struct {
		in, dialect string
		wantErr     bool
	}{
		{"", models.SQLite, false},
		{"sqlite:/tmp/x.db", models.SQLite, false},
		{"file:/tmp/x.db?mode=rwc", models.SQLite, false},
		{"postgres://u@localhost:5432/db", models.Postgres, false},
		{"postgresql://u@localhost/db", models.Postgres, false},
		{"mysql://u@localhost/db", "", true},
		{"sqlite:", "", true},
		{"postgres://", "", true},
	}
	for _, tt := range tests {
		loc, err := models.ParseURL(tt.in)
		if (err != nil) != tt.wantErr || loc.Dialect != tt.dialect {
			t.Errorf("ParseURL(%q) = %q, %v; want %q, error %v", tt.in, loc.Dialect, err, tt.dialect, tt.wantErr)
		}
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		s := modelstest.Open(t, db)
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		var n int64
		if err := s.DB.Table("schema_migrations").Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Fatal("no migration recorded")
		}
	})
}

func TestTimesRoundTripInUTC(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		s := modelstest.Open(t, db)
		u := models.User{Email: "a@example.org", Name: "A", PasswordHash: "x", Role: booking.RoleMember}
		if err := s.DB.Create(&u).Error; err != nil {
			t.Fatal(err)
		}
		var got models.User
		if err := s.DB.First(&got, u.ID).Error; err != nil {
			t.Fatal(err)
		}
		if !got.CreatedAt.Equal(u.CreatedAt) {
			t.Errorf("created_at %v read back as %v", u.CreatedAt, got.CreatedAt)
		}
		dup := models.User{Email: "a@example.org", Name: "B", PasswordHash: "x", Role: booking.RoleMember}
		err := s.DB.Create(&dup).Error
		if !errors.Is(err, models.ErrDuplicate) {
			t.Errorf("duplicate email: got %v, want ErrDuplicate", err)
		}
	})
}

func TestIsBusyAfterWaitingForAnotherWriter(t *testing.T) {
	t.Parallel()
	db := modelstest.New(t, models.SQLite)
	first, second := modelstest.Open(t, db), modelstest.Open(t, db)
	hold := first.DB.Begin() // immediate: it takes the write lock
	mustOK(t, hold.Error)
	defer hold.Rollback()
	mustOK(t, hold.Exec("INSERT INTO settings (key, value) VALUES ('held', 'x')").Error)
	err := second.DB.Exec("INSERT INTO settings (key, value) VALUES ('waiting', 'x')").Error
	if !models.IsBusy(err) {
		t.Fatalf("a write while another holds the lock: %v, want busy", err)
	}
	if models.IsBusy(nil) || models.IsBusy(errors.New("database is locked")) {
		t.Error("IsBusy is true for an error that is not SQLite's")
	}
}
