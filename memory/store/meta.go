package store

import (
	"bytes"
	"fmt"
)

// User metadata keys are stored as "u:"+key in memory/meta, apart from the
// package's own keys (the schema version).
const userMetaPrefix = "u:"

// GetMeta returns the value stored under key by SetMeta.
func (t *Tx) GetMeta(key string) (value string, ok bool, err error) {
	defer recoverCorrupt(&err)
	if err := checkName("meta key", key); err != nil {
		return "", false, fmt.Errorf("store: get meta: %w", err)
	}
	mb, err := t.bucket(bMeta)
	if err != nil {
		return "", false, err
	}
	v := mb.Get([]byte(userMetaPrefix + key))
	if v == nil {
		return "", false, nil
	}
	return string(v), true, nil
}

// SetMeta stores value under key.
func (t *Tx) SetMeta(key, value string) (err error) {
	defer recoverCorrupt(&err)
	err = func() error {
		if err := t.writable(); err != nil {
			return err
		}
		if err := checkName("meta key", key); err != nil {
			return err
		}
		if err := checkText("meta value", value); err != nil {
			return err
		}
		mb, err := t.bucket(bMeta)
		if err != nil {
			return err
		}
		return mb.Put([]byte(userMetaPrefix+key), []byte(value))
	}()
	if err != nil {
		return fmt.Errorf("store: set meta %q: %w", key, err)
	}
	return nil
}

// DeleteMeta removes key; removing an unknown key is not an error.
func (t *Tx) DeleteMeta(key string) (err error) {
	defer recoverCorrupt(&err)
	err = func() error {
		if err := t.writable(); err != nil {
			return err
		}
		if err := checkName("meta key", key); err != nil {
			return err
		}
		mb, err := t.bucket(bMeta)
		if err != nil {
			return err
		}
		return mb.Delete([]byte(userMetaPrefix + key))
	}()
	if err != nil {
		return fmt.Errorf("store: delete meta %q: %w", key, err)
	}
	return nil
}

// ForEachMeta calls fn for every key set with SetMeta that starts with
// prefix, in key order.
func (t *Tx) ForEachMeta(prefix string, fn func(key, value string) error) (err error) {
	defer recoverCorrupt(&err)
	mb, err := t.bucket(bMeta)
	if err != nil {
		return err
	}
	p := []byte(userMetaPrefix + prefix)
	c := mb.Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		if err := fn(string(k[len(userMetaPrefix):]), string(v)); err != nil {
			return err
		}
	}
	return nil
}
