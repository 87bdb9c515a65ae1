module github.com/fovea-vision/fovea

go 1.26.0

require (
	gopkg.in/yaml.v3 v3.0.1
	periph.io/x/conn/v3 v3.7.3
)

require gocv.io/x/gocv v0.31.0

require (
	golang.org/x/sys v0.50.0
	periph.io/x/devices/v3 v3.7.4
	periph.io/x/host/v3 v3.8.5
)

require github.com/jonboulle/clockwork v0.5.0 // indirect
