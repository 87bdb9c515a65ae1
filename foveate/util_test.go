package foveate

import "fmt"

func fmtSize(s [3]int) string { return fmt.Sprintf("%dx%dx%d", s[0], s[1], s[2]) }
