package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"concord/idl/gogen"
	"concord/idl/parse"
)

func init() {
	register(command{name: "idl", summary: "compile OMG IDL files to Go stubs and skeletons", run: runIDL})
}

func runIDL(args []string) error {
	fs := pflag.NewFlagSet("idl", pflag.ContinueOnError)
	includes := fs.StringArrayP("include", "I", nil, "directory searched for #include files (repeatable)")
	defines := fs.StringArrayP("define", "D", nil, "predefine a macro, NAME or NAME=VALUE (repeatable)")
	out := fs.StringP("out", "o", "", "output directory; package <module> goes to <out>/<module>/")
	prefix := fs.String("package-prefix", "concord/idl/gen", "import path of the output directory")
	all := fs.Bool("all", false, "also generate the declarations of included files")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: concord idl [-I dir]... -o outdir [--package-prefix path] file.idl...")
		fs.PrintDefaults()
	}
	// Positional arguments are the IDL files, so parse directly rather
	// than through parseFlags (which rejects them).
	fs.SetOutput(os.Stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if *out == "" {
		return usageError{errors.New("flag -o (--out) is required")}
	}
	if fs.NArg() == 0 {
		return usageError{errors.New("no IDL file given")}
	}
	defs := map[string]string{}
	for _, d := range *defines {
		name, val, _ := strings.Cut(d, "=")
		defs[name] = val
	}
	for _, file := range fs.Args() {
		spec, err := parse.ParseFile(file, parse.Options{IncludeDirs: *includes, Defines: defs})
		if err != nil {
			return err
		}
		files, err := gogen.Generate(spec, gogen.Options{PackagePrefix: *prefix, AllFiles: *all})
		if err != nil {
			return err
		}
		for _, f := range files {
			path := filepath.Join(*out, f.Path)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, f.Content, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
