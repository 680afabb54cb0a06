package models

import (
	"fmt"
	"testing"
)

func TestSplitEvenlyKeepsEveryIDOnceInOrder(t *testing.T) {
	ids := make([]int64, 101)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	for _, n := range []int{-1, 0, 1, 2, 3, 7} {
		parts := splitEvenly(ids, n)
		if want := max(n, 1); len(parts) != want {
			t.Errorf("n=%d: %d parts, want %d", n, len(parts), want)
		}
		var joined []int64
		for _, p := range parts {
			if len(p) < len(ids)/max(n, 1) || len(p) > len(ids)/max(n, 1)+1 {
				t.Errorf("n=%d: a part of %d ids", n, len(p))
			}
			joined = append(joined, p...)
		}
		if fmt.Sprint(joined) != fmt.Sprint(ids) {
			t.Errorf("n=%d: parts join to %v", n, joined)
		}
	}
}
