package inference

import (
	"github.com/aios-dev/aios/metal"
)

// LibraryStatus describes the llama.cpp libraries the in-process core uses.
type LibraryStatus struct {
	Dir        string
	Release    string // llama.cpp release of the prebuilt package
	SystemInfo string // the CPU features and backends llama.cpp uses
	Devices    []string
}

// LoadLlamaLibrary finds and loads the llama.cpp libraries (dir first, when
// set). The error says everywhere it looked.
func LoadLlamaLibrary(dir string) (LibraryStatus, error) {
	info, err := metal.Load(metal.LibraryOptions{Dir: dir})
	if err != nil {
		return LibraryStatus{}, err
	}
	return LibraryStatus{Dir: info.Dir, Release: info.Release, SystemInfo: info.SystemInfo, Devices: info.Devices}, nil
}

// ModelFile describes a GGUF model file, read and checked in Go without
// loading it.
type ModelFile struct {
	Path            string
	Size            int64
	Version         uint32
	Type            string // model or adapter
	Architecture    string
	Name            string
	ContextLength   uint64
	EmbeddingLength uint64
	Layers          uint64
	VocabSize       uint64
	HasChatTemplate bool
}

// InspectModel validates the GGUF header of path.
func InspectModel(path string) (ModelFile, error) {
	g, err := metal.ValidateGGUF(path)
	if err != nil {
		return ModelFile{}, err
	}
	return ModelFile{Path: g.Path, Size: g.Size, Version: g.Version, Type: g.Type, Architecture: g.Architecture,
		Name: g.Name, ContextLength: g.ContextLength, EmbeddingLength: g.EmbeddingLength, Layers: g.BlockCount,
		VocabSize: g.VocabSize, HasChatTemplate: g.HasChatTemplate}, nil
}
