// Command canvass is the Canvass server and its command-line tools:
//
//	canvass serve           run the web server and API
//	canvass user add        add a user (the password comes from stdin or a file)
//	canvass orgunit import  import the org-unit tree from a CSV or XLSX sheet
//	canvass backup          copy the SQLite database while it is in use
//	canvass restore         check a backup and put it in place of the database
//	canvass lint            check definition files
//	canvass xlsform         convert XLSForm workbooks to forms and back (import, export, template)
//	canvass version         print the version
//
// Run "canvass help" for flags. Exit status: 0 success, 1 failure (lint
// errors, a database that cannot be opened), 2 usage error (unknown
// command or flag, missing argument, unknown --db scheme).
//
// main only wires: the commands live in their own files.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
