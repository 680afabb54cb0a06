package booking

import "testing"

func TestNormaliseIdentifier(t *testing.T) {
	tests := []struct {
		name, scheme, in, want string
		valid                  bool
	}{
		{"accepts a seven digit charity number", SchemeCharityEW, "1123456", "1123456", true},
		{"accepts a six digit charity number", SchemeCharityEW, "212345", "212345", true},
		{"accepts a linked charity suffix", SchemeCharityEW, "1123456-1", "1123456-1", true},
		{"rejects a five digit charity number", SchemeCharityEW, "12345", "12345", false},
		{"rejects letters in an English charity number", SchemeCharityEW, "11234A6", "11234A6", false},
		{"upper-cases a Scottish number", SchemeCharitySC, "sc012345", "SC012345", true},
		{"rejects a short Scottish number", SchemeCharitySC, "SC01234", "SC01234", false},
		{"accepts a Northern Ireland number", SchemeCharityNI, "NIC101234", "NIC101234", true},
		{"rejects an NI number without NIC", SchemeCharityNI, "101234", "101234", false},
		{"left-pads a bare company number", SchemeCompany, "1234567", "01234567", true},
		{"accepts a Scottish company", SchemeCompany, "sc123456", "SC123456", true},
		{"removes spaces", SchemeCompany, "SC 123 456", "SC123456", true},
		{"rejects an unknown prefix", SchemeCompany, "ZZ123456", "ZZ123456", false},
		{"rejects an unknown scheme", "GB-XYZ", "123", "123", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, msg := NormaliseIdentifier(tt.scheme, tt.in)
			if got != tt.want {
				t.Errorf("NormaliseIdentifier(%q, %q) = %q, want %q", tt.scheme, tt.in, got, tt.want)
			}
			if (msg == "") != tt.valid {
				t.Errorf("NormaliseIdentifier(%q, %q) message %q, want valid=%v", tt.scheme, tt.in, msg, tt.valid)
			}
		})
	}
}

func TestNormalisePostcode(t *testing.T) {
	tests := []struct {
		in, want string
		valid    bool
	}{
		{"sk2 5ja", "SK2 5JA", true},
		{"SK25JA", "SK2 5JA", true},
		{" m13  9wl ", "M13 9WL", true},
		{"EC1A1BB", "EC1A 1BB", true},
		{"W1A 0AX", "W1A 0AX", true},
		{"12345", "12 345", false},
		{"SK2", "SK2", false},
		{"SK2 5JAX", "SK25JAX", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := NormalisePostcode(tt.in)
		if ok != tt.valid || (ok && got != tt.want) {
			t.Errorf("NormalisePostcode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.valid)
		}
	}
}
