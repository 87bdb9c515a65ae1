// Command fovea-firmware is the host-side tool of `make image`: board
// profiles and the .deb (package firmware).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/fovea-vision/fovea/firmware"
)

const usage = `Usage:
  fovea-firmware boards                  list the boards
  fovea-firmware env BOARD               the board as shell assignments
  fovea-firmware deb --board B --binary F --version V --sysroot DIR [--models DIR] [--out DIR]
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "fovea-firmware: "+err.Error())
		}
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "boards":
		for _, n := range firmware.Names() {
			fmt.Fprintf(stdout, "%-18s %s\n", n, firmware.Boards[n].Description)
		}
		return nil
	case "env":
		if len(args) != 2 {
			return errors.New("env: one board name")
		}
		b, err := firmware.Lookup(args[1])
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, b.Env())
		return nil
	case "deb":
		fs := flag.NewFlagSet("fovea-firmware deb", flag.ContinueOnError)
		fs.SetOutput(stderr)
		board := fs.String("board", "", "board name")
		d := firmware.Deb{}
		fs.StringVar(&d.Binary, "binary", "", "the cross-compiled fovea")
		fs.StringVar(&d.Version, "version", "", "Debian version")
		fs.StringVar(&d.Sysroot, "sysroot", "", "the target root the binary was linked against")
		fs.StringVar(&d.Models, "models", "vision/models", "folder of the models")
		fs.StringVar(&d.Out, "out", ".", "folder for the .deb")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		b, err := firmware.Lookup(*board)
		if err != nil {
			return err
		}
		if d.Binary == "" || d.Sysroot == "" {
			return errors.New("deb: --binary and --sysroot are required")
		}
		d.Board, d.MTime = b, time.Now().UTC().Truncate(time.Second)
		path, err := d.Build()
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, path)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
