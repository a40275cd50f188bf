package metal

import (
	"fmt"

	"github.com/hybridgroup/yzma/pkg/llama"
)

// Adapter is a LoRA adapter loaded for one Model. It lives until the Model
// is closed.
type Adapter struct {
	m      *Model
	handle llama.AdapterLora
	Path   string
	Info   *GGUFInfo
}

// adapterCfg is an adapter setting: which adapter, at which scale.
// The zero value is "no adapter".
type adapterCfg struct {
	a     *Adapter
	scale float32
}

// LoadAdapter validates the GGUF LoRA adapter at path (general.type
// "adapter") and loads it for this model; llama.cpp checks that its tensors
// match the model's. It does not apply it: see SetAdapter.
func (m *Model) LoadAdapter(path string) (*Adapter, error) {
	g, err := ValidateGGUF(path)
	if err != nil {
		return nil, err
	}
	if g.Type != "adapter" {
		return nil, fmt.Errorf("%w: %s is not an adapter (general.type is %q)", ErrInvalidModel, path, g.Type)
	}
	if g.Architecture != "" && g.Architecture != m.info.Architecture {
		return nil, fmt.Errorf("%w: adapter %s is for %s, the model is %s", ErrInvalidModel, path, g.Architecture, m.info.Architecture)
	}
	if err := m.acquire(); err != nil {
		return nil, err
	}
	defer m.release()
	var h llama.AdapterLora
	err = m.eng.call(func() { h, err = llama.AdapterLoraInit(m.lmodel, path) })
	if err != nil {
		return nil, err
	}
	if h == 0 {
		return nil, fmt.Errorf("%w: llama.cpp rejected the adapter %s (its log, at debug level, says why)", ErrInvalidModel, path)
	}
	a := &Adapter{m: m, handle: h, Path: path, Info: g}
	m.mu.Lock()
	m.adapters = append(m.adapters, a)
	m.mu.Unlock()
	return a, nil
}

// SetAdapter selects the adapter for requests submitted from now on: a at
// scale, or no adapter when a is nil or scale is 0. Requests already
// submitted (running or queued) finish with the setting they started with;
// the engine decodes slots of different settings in separate steps, so a
// swap never fails or mixes a request. A session's KV cache is reused only
// under the setting it was computed with.
func (m *Model) SetAdapter(a *Adapter, scale float32) error {
	if a != nil && a.m != m {
		return fmt.Errorf("%w: adapter %s was loaded for another model", ErrBadRequest, a.Path)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if a == nil || scale == 0 {
		m.adapter = adapterCfg{}
	} else {
		m.adapter = adapterCfg{a: a, scale: scale}
	}
	return nil
}

// applyAdapters sets cfg on the context if it is not already set.
func (e *engine) applyAdapters(cfg adapterCfg) {
	if cfg == e.applied {
		return
	}
	if cfg.a == nil {
		clearAdapters(e.lctx)
	} else {
		setAdapter(e.lctx, cfg.a.handle, cfg.scale)
	}
	e.applied = cfg
}
