package firmware

import (
	"bufio"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	"github.com/goreleaser/nfpm/v2/files"
)

// Deb describes the package of one board.
type Deb struct {
	Board   Board
	Binary  string // the cross-compiled fovea
	Version string // Debian version, e.g. 0.1.0+git7f2b430
	Sysroot string // the target root the binary was linked against: its dpkg database names the dependencies
	Models  string // folder of the .tflite models and MODEL_CARD.md
	Out     string // folder the .deb is written to
	MTime   time.Time
}

// Build writes the .deb and returns its path.
func (d Deb) Build() (string, error) {
	if d.Version == "" || (d.Version[0] < '0' || d.Version[0] > '9') {
		return "", fmt.Errorf("firmware: deb: version %q must start with a digit", d.Version)
	}
	if err := checkELF(d.Binary, d.Board); err != nil {
		return "", err
	}
	deps, err := Depends(d.Binary, d.Sysroot)
	if err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp("", "fovea-deb")
	if err != nil {
		return "", fmt.Errorf("firmware: %w", err)
	}
	defer os.RemoveAll(tmp)
	write := func(name string, b []byte, mode os.FileMode) (string, error) {
		p := filepath.Join(tmp, name)
		return p, os.WriteFile(p, b, mode)
	}
	cfg, err := d.Board.Config()
	if err != nil {
		return "", fmt.Errorf("firmware: board %s has no configuration: %w", d.Board.Name, err)
	}
	cfgPath, err := write("fovea.yaml", cfg, 0o644)
	if err != nil {
		return "", err
	}
	unitPath, err := write("fovea.service", Unit(), 0o644)
	if err != nil {
		return "", err
	}
	post, _ := assets.ReadFile("postinst.sh")
	pre, _ := assets.ReadFile("prerm.sh")
	postPath, err := write("postinst", post, 0o755)
	if err != nil {
		return "", err
	}
	prePath, err := write("prerm", pre, 0o755)
	if err != nil {
		return "", err
	}
	contents := files.Contents{
		{Source: d.Binary, Destination: "/usr/bin/fovea", FileInfo: &files.ContentFileInfo{Mode: 0o755}},
		{Source: cfgPath, Destination: "/etc/fovea/fovea.yaml", Type: files.TypeConfigNoReplace, FileInfo: &files.ContentFileInfo{Mode: 0o644}},
		{Source: unitPath, Destination: "/lib/systemd/system/fovea.service", FileInfo: &files.ContentFileInfo{Mode: 0o644}},
	}
	models, _ := filepath.Glob(filepath.Join(d.Models, "*.tflite"))
	if len(models) == 0 {
		return "", fmt.Errorf("firmware: no .tflite models in %s", d.Models)
	}
	for _, m := range append(models, filepath.Join(d.Models, "MODEL_CARD.md")) {
		contents = append(contents, &files.Content{Source: m, Destination: "/usr/share/fovea/models/" + filepath.Base(m), FileInfo: &files.ContentFileInfo{Mode: 0o644}})
	}
	info := &nfpm.Info{
		Name:          "fovea",
		Arch:          d.Board.DebArch,
		Platform:      "linux",
		Version:       d.Version,
		VersionSchema: "none",
		Section:       "misc",
		Priority:      "optional",
		Maintainer:    "Fovea <fovea@localhost>",
		Description:   "Fovea edge vision runtime for foveated cameras on pan-tilt heads\n" + d.Board.Description + ".",
		Homepage:      "https://github.com/fovea-vision/fovea",
		License:       "Apache-2.0",
		MTime:         d.MTime,
		Overridables: nfpm.Overridables{
			Depends:  append(deps, "adduser | passwd", "systemd"),
			Contents: contents,
			Scripts:  nfpm.Scripts{PostInstall: postPath, PreRemove: prePath},
		},
	}
	if strings.HasPrefix(d.Board.Name, "rpi") {
		info.Recommends = []string{"gstreamer1.0-libcamera", "gstreamer1.0-plugins-base"}
	}
	info = nfpm.WithDefaults(info)
	if err := nfpm.PrepareForPackager(info, "deb"); err != nil {
		return "", fmt.Errorf("firmware: deb: %w", err)
	}
	pkg, err := nfpm.Get("deb")
	if err != nil {
		return "", fmt.Errorf("firmware: %w", err)
	}
	if err := os.MkdirAll(d.Out, 0o755); err != nil {
		return "", fmt.Errorf("firmware: %w", err)
	}
	path := filepath.Join(d.Out, pkg.ConventionalFileName(info))
	f, err := os.Create(path)
	if err != nil {
		return "", fmt.Errorf("firmware: %w", err)
	}
	if err := pkg.Package(info, f); err != nil {
		f.Close()
		return "", fmt.Errorf("firmware: deb: %w", err)
	}
	return path, f.Close()
}

// checkELF makes sure the binary is for the board's architecture.
func checkELF(path string, b Board) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("firmware: binary %s: %w", path, err)
	}
	defer f.Close()
	want := map[string]elf.Machine{"arm64": elf.EM_AARCH64, "armhf": elf.EM_ARM}[b.DebArch]
	if f.Machine != want {
		return fmt.Errorf("firmware: binary %s is for %v, board %s needs %v", path, f.Machine, b.Name, want)
	}
	return nil
}

// Depends names the Debian packages that provide the shared libraries the
// binary needs (its ELF DT_NEEDED entries), looked up in the dpkg database
// of the sysroot it was linked against.
func Depends(binary, sysroot string) ([]string, error) {
	f, err := elf.Open(binary)
	if err != nil {
		return nil, fmt.Errorf("firmware: %w", err)
	}
	needed, err := f.ImportedLibraries()
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("firmware: %s: %w", binary, err)
	}
	owner, err := libraryOwners(sysroot)
	if err != nil {
		return nil, err
	}
	var deps []string
	var missing []string
	for _, so := range needed {
		p, ok := owner[so]
		if !ok {
			missing = append(missing, so)
			continue
		}
		if !slices.Contains(deps, p) {
			deps = append(deps, p)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("firmware: no package of %s provides %s", sysroot, strings.Join(missing, ", "))
	}
	slices.Sort(deps)
	return deps, nil
}

// libDir matches the directories the dynamic loader searches: /lib,
// /usr/lib and their multiarch subdirectories (not, say, the
// /usr/aarch64-linux-gnu/lib of a cross toolchain on the build host).
var libDir = regexp.MustCompile(`^/(usr/)?lib(64)?(/[a-z0-9_]+-linux-gnu[a-z]*)?$`)

// libraryOwners maps each shared-library file name in the sysroot's dpkg
// file lists to its package.
func libraryOwners(sysroot string) (map[string]string, error) {
	lists, err := filepath.Glob(filepath.Join(sysroot, "var", "lib", "dpkg", "info", "*.list"))
	if err != nil || len(lists) == 0 {
		return nil, errors.New("firmware: " + sysroot + " has no dpkg database (var/lib/dpkg/info/*.list)")
	}
	owner := map[string]string{}
	for _, l := range lists {
		pkg := strings.TrimSuffix(filepath.Base(l), ".list")
		pkg, _, _ = strings.Cut(pkg, ":")
		f, err := os.Open(l)
		if err != nil {
			return nil, fmt.Errorf("firmware: %w", err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			if !strings.Contains(line, ".so") || !libDir.MatchString(filepath.Dir(line)) {
				continue
			}
			base := filepath.Base(line)
			if _, seen := owner[base]; !seen {
				owner[base] = pkg
			}
		}
		f.Close()
	}
	return owner, nil
}
