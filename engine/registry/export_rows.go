package registry

import (
	"context"
	"slices"
	"strings"

	"canvass/engine"
	"canvass/engine/tabular"
	"canvass/forms"
)

// Repeat groups in exports. A record's main row holds the fields with one
// value per record (the top level and sections, as columns headed by their
// labels); a repeat group's rows — a household's children — go to a sheet
// of their own, named by the group's label, one line per row: the record's
// number (记录编号, the main sheet's id column), the row's number from 1,
// then the row's fields headed by their labels. XLSX exports add these
// sheets after the records' sheets; CSV has one table per file, so CSV and
// zip exports hold the main rows only.

// exportGroup is one repeat group's sheet.
type exportGroup struct {
	fd     *forms.Field
	keys   []string // from the answers' root to the group's list
	cols   []exportColumn
	header []string
}

// exportGroups lists the form's repeat groups that are not inside another
// (a row's own repeat groups are left out), with the columns of their
// rows' fields with one value per row.
func exportGroups(f *forms.Form, lang string) []exportGroup {
	var out []exportGroup
	for _, path := range f.Paths() {
		fd, err := f.Resolve(path)
		if err != nil || fd.Type() != "array" || fd.ItemType() != "" || fd.Group() != nil {
			continue
		}
		g := exportGroup{fd: fd, keys: strings.Split(path, ".")}
		var walk func(fields []*forms.Field, prefix []string)
		walk = func(fields []*forms.Field, prefix []string) {
			for _, c := range fields {
				p := append(slices.Clone(prefix), c.Key())
				switch {
				case c.Type() == "object":
					walk(c.Children(), p)
				case c.Type() == "array" && c.ItemType() == "":
				default:
					g.cols = append(g.cols, exportColumn{fd: c, path: p, header: c.Label(lang)})
				}
			}
		}
		walk(fd.Children(), nil)
		seen := map[string]int{}
		for _, c := range g.cols {
			seen[headerKey(c.header)]++
		}
		id, row := "记录编号", "序号"
		if engine.TextLang(lang) == "en" {
			id, row = "id", "Row"
		}
		g.header = []string{id, row}
		for i := range g.cols {
			if seen[headerKey(g.cols[i].header)] > 1 {
				g.cols[i].header = g.cols[i].fd.Key()
			}
			g.header = append(g.header, g.cols[i].header)
		}
		out = append(out, g)
	}
	return out
}

// groupSheets writes one sheet per repeat group of the export's form with
// the rows of every record matching f that the actor sees, after the
// records' own sheets. taken are the sheet names already used.
func (x *exporter) groupSheets(ctx context.Context, f engine.RecordFilter, tw tabular.Writer, taken map[string]bool) error {
	for _, g := range exportGroups(x.form, x.req.Lang) {
		name := sanitizeName(g.fd.Label(x.req.Lang))
		if taken[name] || name == "" {
			name = sanitizeName(g.fd.Label(x.req.Lang) + " " + g.fd.Key())
		}
		taken[name] = true
		if err := tw.Sheet(name, g.header); err != nil {
			return err
		}
		x.sheets++
		p := engine.Page{Limit: engine.MaxPageLimit}
		for {
			page, err := x.s.store.ListRecords(ctx, f, p)
			if err != nil {
				return err
			}
			for _, r := range page.Records {
				if !x.a.Sees(r.OrgPath) {
					continue
				}
				form, err := x.formOf(ctx, r)
				if err != nil {
					return err
				}
				answers := x.s.e.OpenAnswers(form, r.Answers, x.req.Reveal)
				list, _ := getField(answers, g.keys)
				rows, _ := list.([]any)
				for i, row := range rows {
					m, _ := row.(map[string]any)
					line := make([]any, 0, 2+len(g.cols))
					line = append(line, r.ID, i+1)
					for _, c := range g.cols {
						v, _ := getField(m, c.path)
						line = append(line, exportCell(c.fd, v, x.req.Lang))
					}
					if err := tw.Write(line); err != nil {
						return err
					}
				}
			}
			if page.Next == "" {
				break
			}
			p.After = page.Next
		}
	}
	return nil
}

// formOf returns the form version r was filled with.
func (x *exporter) formOf(ctx context.Context, r *engine.Record) (*forms.Form, error) {
	if f, ok := x.forms[r.FormVersion]; ok {
		return f, nil
	}
	f, _, err := x.s.e.Form(ctx, r.FormID, r.FormVersion)
	if err != nil {
		return nil, err
	}
	x.forms[r.FormVersion] = f
	return f, nil
}
