package ipvsadm

import (
	"bufio"
	"io"
	"strings"
)

// Line is one command of an ipvsadm-save file, or the error that line has.
type Line struct {
	Line int
	Text string
	Cmd  *Command
	Err  error
}

// ParseSave reads an ipvsadm-save file (ipvsadm -S [-n] output, as in
// /etc/sysconfig/ipvsadm). Blank lines and # comments are skipped; every
// other line is an ipvsadm command without the program name, as ipvsadm -R
// reads it.
func ParseSave(r io.Reader) ([]Line, error) {
	var out []Line
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		text := strings.TrimSpace(strings.TrimSuffix(sc.Text(), "\r"))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		args := strings.Fields(text)
		if args[0] == "ipvsadm" || strings.HasSuffix(args[0], "/ipvsadm") {
			args = args[1:]
		}
		cmd, err := Parse(args)
		out = append(out, Line{Line: n, Text: text, Cmd: cmd, Err: err})
	}
	return out, sc.Err()
}
