package server

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/studio"
	"canvass/rules"
	"canvass/ui"
)

// studioFormRoutes installs the form designer's API (issue #16) and its
// page. Every operation loads the newest version of the form (the open
// draft, else the published one), applies one engine/studio operation and
// saves the result with SaveDraft, so the definition-scope rule decides
// who may change what.
func (s *Server) studioFormRoutes(api fiber.Router) {
	api.Get("/studio/functions", s.signedInAPI, s.apiStudioFunctions)
	api.Get("/studio/forms/:form", s.signedInAPI, s.apiStudioForm)
	api.Post("/studio/forms/:form", s.signedInAPI, s.apiStudioFormOp)
	api.Post("/studio/forms/:form/expr-check", s.signedInAPI, s.apiStudioExprCheck)
	s.app.Get("/studio/campaigns/:id/forms/:form", s.signedInPage, s.studioFormPage)
}

// designerBase names the version an edit was made against: a save is
// refused (409) when the newest version is another.
type designerBase struct {
	Version  int    `json:"version"`
	Checksum string `json:"checksum"`
}

// paletteEntry is one field type of the palette, as the page shows it.
type paletteEntry struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Group     string   `json:"group"`
	Settings  []string `json:"settings"`
	Container bool     `json:"container"`
}

// designerState is what the designer shows: the outline, the palette, the
// selected field's spec with its rules reopened in the builders, and the
// version edits are made against.
type designerState struct {
	Form        string              `json:"form"`
	Base        designerBase        `json:"base"`
	Status      string              `json:"status"`  // draft or published
	SavedBy     string              `json:"savedBy"` // the user ID; a 409 names the user
	Outline     []studio.Field      `json:"outline"`
	Palette     []paletteEntry      `json:"palette"`
	Operators   []studio.Operator   `json:"operators"`
	Selected    string              `json:"selected,omitempty"`
	Spec        *studio.FieldSpec   `json:"spec,omitempty"`
	Condition   *studio.Condition   `json:"condition,omitempty"`   // the show-when rule as builder rows, when it is one
	Constraint  *studio.Constraint  `json:"constraint,omitempty"`  // the ready-made constraint, when it is one
	Calculation *studio.Calculation `json:"calculation,omitempty"` // the ready-made calculation, when it is one
	References  []studio.Reference  `json:"references,omitempty"`  // the rules that read the selected field
}

// designerOp is one edit. Pointer names the field (update, duplicate,
// move, delete); Parent and Index where a field goes (add, move,
// addSection, addRepeat; index -1: last). Condition, Constraint and
// Calculation, when given, are written by the builders into the spec's
// Relevant, Constraint (with its message) and Calculate.
type designerOp struct {
	Op          string              `json:"op"`
	Base        designerBase        `json:"base"`
	Pointer     string              `json:"pointer,omitempty"`
	Parent      string              `json:"parent,omitempty"`
	Index       *int                `json:"index,omitempty"`
	Spec        *studio.FieldSpec   `json:"spec,omitempty"`
	Condition   *studio.Condition   `json:"condition,omitempty"`
	Constraint  *studio.Constraint  `json:"constraint,omitempty"`
	Calculation *studio.Calculation `json:"calculation,omitempty"`
	Force       bool                `json:"force,omitempty"`
	// Campaign is the campaign the form is designed for: its org scope
	// bounds org-tree lists, and a delete says which of its indicators,
	// reports and pay items read the field.
	Campaign string `json:"campaign,omitempty"`
	// Levels are the org levels of an addOrg, top down (township, village).
	Levels []string `json:"levels,omitempty"`
}

// designerForm is the newest stored version of a form and its document.
type designerForm struct {
	version *engine.DefinitionVersion
	doc     *studio.FormDoc
}

// loadDesignerForm returns the newest version of form id the actor sees:
// its open draft, else its latest published version. Authors and admins;
// ENOTFOUND outside the actor's sight.
func (s *Server) loadDesignerForm(ctx context.Context, a *engine.Actor, id, lang string) (*designerForm, error) {
	if err := requireRole(a, authorRoles...); err != nil {
		return nil, err
	}
	list, err := s.engine.Definitions(ctx, a, engine.DefinitionFilter{Kind: engine.KindForm, ID: id})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, engine.Errorf(engine.ENOTFOUND, "form %s not found", id)
	}
	newest := list[0]
	for _, d := range list {
		if d.Version > newest.Version {
			newest = d
		}
	}
	d, err := s.engine.DefinitionVersion(ctx, a, engine.KindForm, id, newest.Version)
	if err != nil {
		return nil, err
	}
	doc, err := studio.OpenForm(d.Source)
	if err != nil {
		return nil, err
	}
	doc.Lang, doc.Filename = lang, d.Filename
	if l, ok := designerLoads.get(d.Filename, d.Checksum); ok {
		doc.UseLoaded(l.src, l.form, l.diags)
	}
	return &designerForm{version: d, doc: doc}, nil
}

// designerStateOf describes df with the field at selected open in the
// panel ("" or an unknown pointer: none).
func designerStateOf(df *designerForm, selected, lang string) designerState {
	st := designerState{
		Form: df.version.ID, Base: designerBase{Version: df.version.Version, Checksum: df.version.Checksum},
		Status: df.version.Status, SavedBy: df.version.CreatedBy, Outline: df.doc.Outline(), Operators: studio.Operators(),
	}
	for _, t := range studio.Palette() {
		name := t.NameZH
		if strings.HasPrefix(lang, "en") {
			name = t.NameEN
		}
		st.Palette = append(st.Palette, paletteEntry{ID: t.ID, Name: name, Group: t.Group, Settings: t.Settings, Container: t.Container()})
	}
	if selected == "" {
		return st
	}
	spec, err := df.doc.SpecOf(selected)
	if err != nil {
		return st
	}
	st.Selected, st.Spec = selected, &spec
	if spec.Relevant != "" {
		if c, ok := df.doc.ParseCondition(spec.Relevant); ok {
			st.Condition = &c
		}
	}
	if spec.Constraint != "" {
		if c, ok := df.doc.ParseConstraint(spec.Key, spec.Constraint); ok {
			st.Constraint = &c
		}
	}
	if spec.Calculate != "" {
		if c, ok := df.doc.ParseCalculation(spec.Calculate); ok {
			st.Calculation = &c
		}
	}
	st.References, _ = df.doc.References(selected)
	return st
}

// apiStudioForm answers GET /api/v1/studio/forms/:form?field=<pointer>:
// the designer state of the form's newest version.
func (s *Server) apiStudioForm(c fiber.Ctx) error {
	lang := apiLang(c)
	df, err := s.loadDesignerForm(c.Context(), actorOf(c), c.Params("form"), lang)
	if err != nil {
		return err
	}
	return c.JSON(designerStateOf(df, c.Query("field"), lang))
}

// conflictBody is a 409's answer: the error, and the state as it is now,
// so the page can show it while keeping what the author typed.
type conflictBody struct {
	Error errorDetail   `json:"error"`
	State designerState `json:"state"`
}

// apiStudioFormOp answers POST /api/v1/studio/forms/:form: it applies one
// designer operation to the newest version and saves it as the draft.
// 422 with the problems by pointer when the operation is refused; 409
// with the current state when the base is not the newest version.
func (s *Server) apiStudioFormOp(c fiber.Ctx) error {
	a := actorOf(c)
	lang := apiLang(c)
	var op designerOp
	if err := decodeJSON(c, &op); err != nil {
		return err
	}
	df, err := s.loadDesignerForm(c.Context(), a, c.Params("form"), lang)
	if err != nil {
		return err
	}
	if op.Base.Version != df.version.Version || op.Base.Checksum != df.version.Checksum {
		return s.designerConflict(c, df, op.Pointer, lang)
	}
	selected, err := s.applyDesignerOp(c.Context(), a, df.doc, op, lang)
	if err != nil {
		return err
	}
	// The operation loaded its result; the save stores those bytes and
	// that compiled form, and writes only while the base is still the
	// newest version (another save in between is a conflict).
	d := df.version
	src, form, diags := df.doc.Compiled()
	compiled := engine.Compiled{Diagnostics: diags}
	if form != nil {
		compiled.Value = form
	}
	res, err := s.engine.SaveDraftBasedCompiled(c.Context(), a, engine.KindForm, d.ID, d.Filename, src, d.Checksum, compiled)
	if engine.ErrorCode(err) == engine.ECONFLICT {
		if now, lerr := s.loadDesignerForm(c.Context(), a, d.ID, lang); lerr == nil && now.version.Checksum != d.Checksum {
			return s.designerConflict(c, now, op.Pointer, lang)
		}
	}
	if err != nil {
		return err
	}
	df.version = res.Definition
	designerLoads.put(d.Filename, res.Definition.Checksum, cachedLoad{src: src, form: form, diags: diags})
	return c.JSON(designerStateOf(df, selected, lang))
}

// designerConflict answers 409: who saved the newest version df and when,
// with the designer state as it is now.
func (s *Server) designerConflict(c fiber.Ctx, df *designerForm, selected, lang string) error {
	st := designerStateOf(df, selected, lang)
	st.SavedBy = s.engine.Names(c.Context()).User(df.version.CreatedBy)
	msg := ui.Message(lang, "studio.form.conflict", st.SavedBy, localTime(df.version.CreatedAt), df.version.Version)
	return c.Status(http.StatusConflict).JSON(conflictBody{Error: errorDetail{Code: engine.ECONFLICT, Message: msg}, State: st})
}

// applyDesignerOp applies op to doc and returns the pointer of the field
// to show next ("" when none).
func (s *Server) applyDesignerOp(ctx context.Context, a *engine.Actor, doc *studio.FormDoc, op designerOp, lang string) (string, error) {
	index := -1
	if op.Index != nil {
		index = *op.Index
	}
	needSpec := func() (studio.FieldSpec, error) {
		if op.Spec == nil {
			return studio.FieldSpec{}, fieldProblem("/spec", "missing", ui.Message(lang, "studio.form.spec.missing"))
		}
		spec := *op.Spec
		return spec, writeBuilders(doc, &spec, op)
	}
	switch op.Op {
	case "add":
		spec, err := needSpec()
		if err != nil {
			return "", err
		}
		return doc.AddField(op.Parent, index, spec)
	case "update":
		spec, err := needSpec()
		if err != nil {
			return "", err
		}
		if spec.Type == studio.TypeAdminCode && spec.OrgLevel != "" {
			// An org-tree list lists the tree as it is now.
			units, err := s.designerOrgUnits(ctx, a, s.designerCampaign(ctx, a, op.Campaign))
			if err != nil {
				return "", err
			}
			studio.RefreshOrgChoices(&spec, units)
		}
		return doc.UpdateField(op.Pointer, spec)
	case "addOrg":
		spec, err := needSpec()
		if err != nil {
			return "", err
		}
		units, err := s.designerOrgUnits(ctx, a, s.designerCampaign(ctx, a, op.Campaign))
		if err != nil {
			return "", err
		}
		ptrs, err := doc.AddOrgFields(op.Parent, index, spec.Label, spec.Required, op.Levels, units)
		if err != nil {
			return "", err
		}
		return ptrs[len(ptrs)-1], nil
	case "duplicate":
		return doc.DuplicateField(op.Pointer)
	case "move":
		return doc.MoveField(op.Pointer, op.Parent, index)
	case "delete":
		// The campaign's indicators, reports, pay items and workflow
		// rules live in other files: the designer names them and
		// refuses, force or not; the author changes them first.
		if c := s.designerCampaign(ctx, a, op.Campaign); c != nil {
			if uses := s.campaignUses(ctx, a, c, doc, op.Pointer, lang); len(uses) > 0 {
				return "", &engine.Error{Code: engine.EINVALID, Message: uses[0].Message, Fields: uses}
			}
		}
		return "", doc.DeleteField(op.Pointer, op.Force)
	case "addSection", "addRepeat":
		spec, err := needSpec()
		if err != nil {
			return "", err
		}
		if op.Op == "addSection" {
			return doc.AddSection(op.Parent, index, spec.Key, spec.Label)
		}
		return doc.AddRepeat(op.Parent, index, spec.Key, spec.Label, spec.MinRows, spec.MaxRows)
	}
	return "", fieldProblem("/op", "unknown_op", ui.Message(lang, "studio.form.op.unknown", op.Op))
}

// writeBuilders writes the builders' rules into spec. Their problems point
// under /condition, /constraint and /calculation.
func writeBuilders(doc *studio.FormDoc, spec *studio.FieldSpec, op designerOp) error {
	var all []engine.FieldError
	collect := func(prefix string, err error) {
		var e *engine.Error
		if errors.As(err, &e) {
			for _, f := range e.Fields {
				f.Pointer = prefix + f.Pointer
				all = append(all, f)
			}
		}
	}
	if op.Condition != nil {
		if len(op.Condition.Rows) == 0 {
			spec.Relevant = ""
		} else if src, err := doc.ConditionExpr(*op.Condition); err != nil {
			collect("/condition", err)
		} else {
			spec.Relevant = src
		}
	}
	if op.Constraint != nil && op.Constraint.Kind != "" {
		if op.Constraint.Field == "" {
			op.Constraint.Field = spec.Key
		}
		if src, msg, err := doc.ConstraintExpr(*op.Constraint); err != nil {
			collect("/constraint", err)
		} else {
			spec.Constraint = src
			if spec.ConstraintMessage.ZH == "" {
				spec.ConstraintMessage = msg
			}
		}
	}
	if op.Calculation != nil && op.Calculation.Kind != "" {
		if src, vt, err := doc.CalculationExpr(*op.Calculation); err != nil {
			collect("/calculation", err)
		} else {
			spec.Calculate, spec.ValueType = src, vt
			if spec.Type != studio.TypeCalculated {
				// A question given a calculation is answered by it: it
				// becomes a 计算项 with the same key, label and rule to show it.
				*spec = studio.FieldSpec{Type: studio.TypeCalculated, Key: spec.Key, Label: spec.Label, Hint: spec.Hint,
					Relevant: spec.Relevant, Calculate: src, ValueType: vt}
			}
		}
	}
	if len(all) > 0 {
		return &engine.Error{Code: engine.EINVALID, Message: all[0].Message, Fields: all}
	}
	return nil
}

// fieldProblem is an EINVALID error with one problem at pointer.
func fieldProblem(pointer, code, msg string) error {
	return &engine.Error{Code: engine.EINVALID, Message: msg, Fields: []engine.FieldError{{Pointer: pointer, Code: code, Message: msg}}}
}

// exprCheckRequest is an expression the author is typing in the advanced
// box of the field at Pointer.
type exprCheckRequest struct {
	Kind    string `json:"kind"` // relevant, constraint or calculate
	Src     string `json:"src"`
	Pointer string `json:"pointer,omitempty"`
}

// exprDiagnostic is one problem of an expression, positioned in it.
type exprDiagnostic struct {
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Snippet string `json:"snippet,omitempty"`
}

// maxExprBytes bounds what the advanced box may send.
const maxExprBytes = 4096

// apiStudioExprCheck answers POST /api/v1/studio/forms/:form/expr-check:
// the expression's problems, with positions, in the caller's language
// (an empty list: it is fine). It compiles the expression against the
// form's fields and then tries it on the field, as a save would.
func (s *Server) apiStudioExprCheck(c fiber.Ctx) error {
	lang := apiLang(c)
	var req exprCheckRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	want, keyword := rules.ResultBool, ""
	switch req.Kind {
	case "relevant":
		keyword = "x-relevant"
	case "constraint":
		keyword = "x-constraint"
	case "calculate":
		want, keyword = rules.ResultAny, "x-calculate"
	case "choiceFilter":
		keyword = "x-choice-filter"
	default:
		return fieldProblem("/kind", "bad_kind", ui.Message(lang, "studio.form.expr.kind"))
	}
	if len(req.Src) > maxExprBytes {
		return fieldProblem("/src", "too_long", ui.Message(lang, "studio.form.expr.long", maxExprBytes))
	}
	df, err := s.loadDesignerForm(c.Context(), actorOf(c), c.Params("form"), lang)
	if err != nil {
		return err
	}
	out := []exprDiagnostic{}
	if strings.TrimSpace(req.Src) == "" {
		return c.JSON(fiber.Map{"diagnostics": out})
	}
	env := rules.NewEnv(rules.KindForm).Var("row", map[string]any{}).Var("rowIndex", 0)
	if req.Kind == "choiceFilter" {
		env.Var("choice", "").Var("choiceData", map[string]any{})
	}
	declareAnswers(env, df.doc.Outline())
	if _, err := rules.Compile(req.Src, env, want); err != nil {
		var ce *rules.CompileError
		if errors.As(err, &ce) {
			out = append(out, exprDiagnostic{Line: ce.Line, Col: ce.Col, Code: ce.Code,
				Message: compileMessage(lang, ce), Snippet: rules.Snippet(req.Src, ce.Line, ce.Col)})
		} else {
			out = append(out, exprDiagnostic{Code: rules.CodeSyntax, Message: rules.Diagnostic{Code: rules.CodeSyntax}.Text(lang)})
		}
		return c.JSON(fiber.Map{"diagnostics": out})
	}
	// It compiles on its own; now as the field's rule, where the types
	// and the scope of repeat groups are exact.
	if req.Pointer != "" {
		if spec, err := df.doc.SpecOf(req.Pointer); err == nil {
			switch keyword {
			case "x-relevant":
				spec.Relevant = req.Src
			case "x-constraint":
				spec.Constraint = req.Src
			case "x-calculate":
				spec.Calculate = req.Src
			case "x-choice-filter":
				spec.ChoiceFilter = req.Src
			}
			if _, err := df.doc.Clone().UpdateField(req.Pointer, spec); err != nil {
				for _, f := range engine.ErrorFields(err) {
					if f.Code == studio.CodeFormInvalid {
						continue
					}
					out = append(out, exprDiagnostic{Code: f.Code, Message: ui.Message(lang, "studio.form.expr.rejected", f.Message)})
				}
			}
		}
	}
	return c.JSON(fiber.Map{"diagnostics": out})
}

// sampleAnswer is a value of the Go type an answer to a field of palette
// type t has in expressions (nil: any, for calculated values).
func sampleAnswer(t string) any {
	switch t {
	case studio.TypeInteger:
		return 0
	case studio.TypeDecimal:
		return 0.0
	case studio.TypeYesNo:
		return false
	case studio.TypeCheckbox:
		return []any{}
	case studio.TypeSection:
		return map[string]any{}
	case studio.TypeRepeat:
		return []map[string]any{}
	case studio.TypeCalculated:
		return nil
	}
	return ""
}

// declareAnswers declares every field of the outline, children included,
// in env. The outline is enough: loading the whole form here would cost
// more than the check.
func declareAnswers(env *rules.Env, fs []studio.Field) {
	for _, f := range fs {
		env.Var(f.Key, sampleAnswer(f.Type))
		declareAnswers(env, f.Children)
	}
}

// compileMessage is a compile error in the author's language.
func compileMessage(lang string, ce *rules.CompileError) string {
	return ce.Text(lang)
}

// apiStudioFunctions answers GET /api/v1/studio/functions: the rules
// functions with their descriptions and examples, from the rules
// package's own table.
func (s *Server) apiStudioFunctions(c fiber.Ctx) error {
	if err := requireRole(actorOf(c), authorRoles...); err != nil {
		return err
	}
	return c.JSON(rules.FunctionDocs())
}
