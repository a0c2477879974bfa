package studio

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"canvass/engine"
	"canvass/forms"
	"canvass/rules"
)

// TestRandomWalk applies seeded random sequences of operations to every
// shipped form. Whatever an operation does, the document loads without
// errors afterwards; a refused operation is EINVALID and changes nothing;
// saving and reopening gives the same bytes.
func TestRandomWalk(t *testing.T) {
	steps := 50
	if testing.Short() {
		steps = 20
	}
	for i, path := range exampleForms(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			r := rand.New(rand.NewPCG(16, uint64(i)))
			d := open(t, path)
			applied, refused := map[string]int{}, map[string]int{}
			for step := range steps {
				before := d.Bytes()
				name, err := randomOp(r, d)
				if err != nil {
					if code := engine.ErrorCode(err); code != engine.EINVALID {
						t.Fatalf("step %d %s: %v", step, name, err)
					}
					if !bytes.Equal(d.Bytes(), before) {
						t.Fatalf("step %d %s: refused, but the document changed", step, name)
					}
					fs := engine.ErrorFields(err)
					key := name + ":" + fs[0].Code
					if len(fs) > 1 {
						key += "/" + fs[1].Code
					}
					refused[key]++
					continue
				}
				applied[name]++
				if _, diags := d.Load(); rules.HasErrors(diags) {
					t.Fatalf("step %d %s: the form no longer loads: %v\n%s", step, name, diags, d.Bytes())
				}
				again, err := OpenForm(d.Bytes())
				if err != nil || !bytes.Equal(again.Bytes(), d.Bytes()) {
					t.Fatalf("step %d %s: saving is not stable", step, name)
				}
			}
			t.Logf("applied %v, refused %v", applied, refused)
			if len(applied) < 4 {
				t.Errorf("the walk applied too few kinds of operation: %v", applied)
			}
		})
	}
}

// randomOp applies one random operation and returns its name.
func randomOp(r *rand.Rand, d *FormDoc) (string, error) {
	fields := d.fields()
	var containers []string
	containers = append(containers, "")
	for _, f := range fields {
		if t := typeOfNode(f.node); t == TypeSection || t == TypeRepeat {
			containers = append(containers, f.ptr)
		}
	}
	pick := func() fieldRef { return fields[r.IntN(len(fields))] }
	if len(fields) == 0 {
		_, err := d.AddField("", -1, FieldSpec{Type: TypeText, Label: forms.Text{ZH: "新字段"}})
		return "add", err
	}
	switch r.IntN(7) {
	case 0, 1:
		p := palette[r.IntN(len(palette))]
		spec := FieldSpec{Type: p.ID, Label: forms.Text{ZH: fmt.Sprintf("字段%d", r.IntN(100))}, Required: r.IntN(2) == 0 && p.Takes(SetRequired)}
		if r.IntN(2) == 0 {
			spec.Label.EN = []string{"Name", "Date of birth", "Note", "Count", "Village"}[r.IntN(5)]
		}
		if p.HasChoices() {
			spec.ChoicesText = "甲\n乙\n丙"
		}
		if p.ID == TypeCalculated {
			spec.Calculate, spec.ValueType = "1 + 1", TypeInteger
		}
		if p.Takes(SetLength) && r.IntN(2) == 0 {
			spec.MinLength, spec.MaxLength = intp(r.IntN(5)), intp(r.IntN(50))
		}
		_, err := d.AddField(containers[r.IntN(len(containers))], r.IntN(4)-1, spec)
		return "add", err
	case 2:
		f := pick()
		spec, err := d.SpecOf(f.ptr)
		if err != nil {
			return "update", err
		}
		spec.Label.ZH += "改"
		spec.Hint = forms.Text{ZH: "提示"}
		if spec.Type != TypeNote && spec.Type != TypeCalculated {
			spec.Required = !spec.Required
		}
		if r.IntN(3) == 0 {
			spec.Key = f.key + "X"
		}
		_, err = d.UpdateField(f.ptr, spec)
		return "update", err
	case 3:
		_, err := d.DuplicateField(pick().ptr)
		return "duplicate", err
	case 4:
		_, err := d.MoveField(pick().ptr, containers[r.IntN(len(containers))], r.IntN(3)-1)
		return "move", err
	case 5:
		return "delete", d.DeleteField(pick().ptr, r.IntN(2) == 0)
	default:
		// A condition on one field, shown on another.
		f, g := pick(), pick()
		t, _, _ := d.fieldInfo(f.key)
		ops := OperatorsFor(t)
		if len(ops) == 0 {
			return "condition", nil
		}
		cond, err := d.ConditionExpr(Condition{Rows: []ConditionRow{{Field: f.key, Op: ops[len(ops)-1]}}})
		if err != nil {
			return "condition", err
		}
		spec, err := d.SpecOf(g.ptr)
		if err != nil {
			return "condition", err
		}
		spec.Relevant = cond
		_, err = d.UpdateField(g.ptr, spec)
		return "condition", err
	}
}
