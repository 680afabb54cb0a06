// Command commonroom runs Common Room: see "commonroom help".
package main

import (
	"os"

	"github.com/common-room/commonroom/server"
)

func main() { os.Exit(server.Main()) }
