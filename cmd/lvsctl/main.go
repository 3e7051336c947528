// Command lvsctl manages Linux Virtual Server clusters as code.
package main

import (
	"os"

	"github.com/lvsctl/lvsctl/cmd/lvsctl/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:]))
}
