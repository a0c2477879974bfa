package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"canvass/engine"
	"canvass/engine/enginetest"
	"canvass/store/sqlite"
)

// stateFollower prints the state of every record written: a follower sees
// each durable write, whichever action made it.
type stateFollower struct{}

func (stateFollower) RecordWritten(_ context.Context, r *engine.Record) error {
	fmt.Println("written:", r.State)
	return nil
}

// A campaign published from its files, a submission, and a follower that
// hears of the write.
func ExampleEngine_Follow() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "canvass-example")
	defer os.RemoveAll(dir)
	st, err := sqlite.Open(filepath.Join(dir, "canvass.db"), sqlite.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	vault, _ := engine.ParseVault(engine.NewVaultKeyFile())
	clock := &enginetest.Clock{}
	clock.Set(enginetest.Start)
	e := engine.New(engine.Config{Store: st, Now: clock.Now, Vault: vault, Followers: []engine.RecordFollower{stateFollower{}}})

	if _, err := e.ImportOrgUnits(ctx, nil, enginetest.Tree); err != nil {
		fmt.Println(err)
		return
	}
	user := func(name, unit, role string) *engine.Actor {
		u, _ := e.CreateUser(ctx, nil, engine.NewUser{Username: name, DisplayName: name, Password: "s3cret-pass", Roles: []string{role}, OrgUnit: unit})
		return &engine.Actor{User: u}
	}
	author, worker := user("author", "370102", engine.RoleAuthor), user("worker", "370102001001", engine.RoleFieldWorker)
	for _, f := range []struct{ kind, id, file string }{
		{engine.KindForm, "subsidy-application", "subsidy-application.form.json"},
		{engine.KindWorkflow, "subsidy-review", "subsidy-review.workflow.yaml"},
		{engine.KindCampaign, "subsidy-2026", "subsidy-2026.campaign.yaml"},
	} {
		src, _ := os.ReadFile(filepath.Join("testdata", "subsidy", f.file))
		d, err := e.SaveDraft(ctx, author, f.kind, f.id, f.file, src)
		if err != nil {
			fmt.Println(err)
			return
		}
		if _, err := e.Publish(ctx, author, f.kind, f.id, d.Definition.Version); err != nil {
			fmt.Println(err)
			return
		}
	}
	res, err := e.Submit(ctx, worker, engine.Submission{CampaignID: "subsidy-2026", FormID: "subsidy-application",
		Answers: map[string]any{"applicant": "孙丽", "idNumber": "370102197512034524", "amount": 3000}})
	if err != nil {
		fmt.Println(err, engine.ErrorFields(err))
		return
	}
	fmt.Println("task:", res.Record.Step)
	// Output:
	// written: township_review
	// task: township_review
}
