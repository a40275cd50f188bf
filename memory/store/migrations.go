package store

import (
	"log/slog"

	bolt "go.etcd.io/bbolt"
)

// migration upgrades the schema from version from to from+1 inside one
// read-write transaction; the caller bumps the stored version in the same
// transaction, so a migration is applied completely or not at all.
type migration struct {
	from  int
	name  string
	apply func(tx *bolt.Tx, log *slog.Logger) error
}

// migrationFrom returns the registered migration from version v.
func migrationFrom(v int) (migration, bool) {
	for _, m := range registry() {
		if m.from == v {
			return m, true
		}
	}
	return migration{}, false
}

// registry lists the migrations in order. Add one entry (and bump
// CurrentSchema) for each schema change; never edit a released entry.
func registry() []migration {
	return []migration{
		{from: 1, name: "binary chunk records, chunk ID index, hashed vectors", apply: migrateV1toV2},
	}
}
