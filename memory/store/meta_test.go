package store

import (
	"testing"
)

func TestForEachMeta(t *testing.T) {
	s, err := Open(t.TempDir()+"/aios.db", Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, k := range []string{"a/2", "a/1", "b/1", "a"} {
		if err := s.SetMeta(k, "v"+k); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	err = s.View(func(tx *Tx) error {
		return tx.ForEachMeta("a/", func(k, v string) error {
			got = append(got, k+"="+v)
			return nil
		})
	})
	if err != nil || len(got) != 2 || got[0] != "a/1=va/1" || got[1] != "a/2=va/2" {
		t.Fatalf("%v %v", got, err)
	}
}
