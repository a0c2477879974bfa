package demo

import (
	"io/fs"

	"canvass/examples"
)

func defaultExamples() fs.FS { return examples.FS }
