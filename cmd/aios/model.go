package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aios-dev/aios/inference"
)

// runModel implements `aios model pull URL [--sha256 HEX] [--dir DIR]`.
func runModel(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "pull" {
		return usagef("aios model takes a subcommand: pull")
	}
	fs := flag.NewFlagSet("aios model pull", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sum := fs.String("sha256", "", "expected sha256 of the file (hex)")
	dir := fs.String("dir", "", "model directory (default $AIOS_MODEL_DIR, else the user cache)")
	name := fs.String("name", "", "file name (default: the last element of the URL)")
	// Accept flags before or after the URL.
	rest := args[1:]
	var url string
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return usagef("%v", err)
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		if url != "" {
			return usagef("aios model pull takes one URL, got %q and %q", url, rest[0])
		}
		url, rest = rest[0], rest[1:]
	}
	if url == "" {
		return usagef("aios model pull needs a URL")
	}
	target := *dir
	if target == "" {
		target = os.Getenv(inference.EnvModelDir)
	}
	if target == "" {
		target = inference.DefaultModelDir()
	}
	start := time.Now()
	last := time.Time{}
	path, err := inference.Pull(ctx, url, target, inference.PullOptions{
		SHA256: *sum, Name: *name,
		Progress: func(done, total int64) {
			if time.Since(last) < 500*time.Millisecond && done != total {
				return
			}
			last = time.Now()
			if total > 0 {
				fmt.Fprintf(stderr, "\r%s / %s (%d%%)", size(done), size(total), done*100/total)
			} else {
				fmt.Fprintf(stderr, "\r%s", size(done))
			}
		},
	})
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "pulled in %v\n", time.Since(start).Round(time.Millisecond))
	fmt.Fprintln(stdout, path)
	return nil
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
